"""The progress display: a bar on a terminal, plain lines in a log, nothing when quiet."""
import io

from generator import progress as progress_module
from generator.progress import Progress


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_terminal_gets_a_bar_with_counts_rate_and_eta():
    stream = Terminal()
    bar = Progress("渲染页面", 100, stream)
    bar.shown = -1.0
    bar.advance(40)
    bar.finish()
    text = stream.getvalue()
    assert "\r渲染页面 [" in text and "40/100" in text and "/s" in text and "ETA" in text
    assert text.endswith("\n")


def test_a_log_gets_plain_lines_without_carriage_returns(monkeypatch):
    monkeypatch.setattr(progress_module, "PLAIN_EVERY", 0.0)
    stream = io.StringIO()
    bar = Progress("渲染页面", 100, stream)
    bar.advance(50)
    bar.finish()
    assert "\r" not in stream.getvalue()
    assert stream.getvalue().splitlines()[0].startswith("渲染页面 [############------------] 50/100")


def test_quiet_prints_nothing():
    stream = Terminal()
    bar = Progress("渲染页面", 100, stream, enabled=False)
    bar.advance(100)
    bar.finish()
    assert stream.getvalue() == ""
