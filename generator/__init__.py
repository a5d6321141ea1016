"""Static site generator for the 1+9 grassroots government disclosure columns."""

__version__ = "0.1.0"
