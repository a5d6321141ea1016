"""YAML as the content files are written by hand: block mappings, lists of plain values on one
line (`channels: [政府网站, 政务公开专栏]`), Chinese as it is, keys in the order given."""
from __future__ import annotations

import yaml


class ContentDumper(yaml.SafeDumper):
    pass


def _list(dumper: ContentDumper, data: list):
    flow = all(not isinstance(v, (list, dict)) for v in data)
    return dumper.represent_sequence("tag:yaml.org,2002:seq", data, flow_style=flow)


ContentDumper.add_representer(list, _list)


def dump(data, header: str = "") -> str:
    """`data` as YAML text, after `header` (comment lines, each written with its '# ')."""
    text = yaml.dump(data, Dumper=ContentDumper, allow_unicode=True, sort_keys=False, width=1000)
    return header + text
