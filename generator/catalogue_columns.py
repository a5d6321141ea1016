"""The catalogue's standard columns, their order in a spreadsheet, and the header variants that
staff actually write. Shared by import and export so the two stay in step."""
from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Column:
    key: str                 # key in the project's item YAML (service_* become `service:`)
    header: str              # the standard header, as export writes it
    aliases: tuple[str, ...] = ()
    is_list: bool = False


# Standard order (公开事项目录 as district staff keep it); 序号 is written on export and ignored on import.
COLUMNS = (
    Column("level1", "一级事项", ("一级目录", "事项类别")),
    Column("level2", "二级事项", ("二级目录", "事项名称", "公开事项")),
    Column("type", "事项类型", ("是否政务服务事项",)),
    Column("service_name", "对应政务服务事项名称", ("对应政务服务事项", "政务服务事项名称")),
    Column("elements", "公开内容（要素）", ("公开内容", "公开要素", "公开内容要素")),
    Column("basis", "公开依据", ("依据",)),
    Column("time_limit", "公开时限", ("时限",)),
    Column("subject", "公开主体", ("责任主体", "公开单位")),
    Column("channels", "公开渠道和载体", ("公开渠道", "公开载体", "公开渠道及载体"), is_list=True),
    Column("audience", "公开对象", ()),
    Column("mode", "公开方式", ()),
    Column("levels", "公开层级", (), is_list=True),
    Column("service_url", "我要办地址", ("办事地址", "办理地址", "在线办理地址", "我要办链接")),
    Column("id", "事项编号", ("事项标识", "编号", "id")),
)
IGNORED_HEADERS = {"序号", "备注"}
REQUIRED = ("level1", "level2", "elements", "basis", "time_limit", "subject", "channels",
            "audience", "mode", "levels", "type")

# Words staff use for the enumerated elements → the project's values.
VALUE_ALIASES = {
    "audience": {"全社会": "全社会", "社会公众": "全社会", "特定群众": "特定群众", "特定对象": "特定群众"},
    "mode": {"主动": "主动", "主动公开": "主动", "依申请": "依申请", "依申请公开": "依申请"},
    "levels": {"市级": "市级", "区县级": "区县级", "县级": "区县级", "区级": "区县级", "乡镇级": "乡镇级",
               "乡镇": "乡镇级", "街道": "乡镇级", "乡镇（街道）": "乡镇级"},
    "type": {"政务服务事项": "政务服务事项", "是": "政务服务事项", "非政务服务事项": "非政务服务事项",
             "否": "非政务服务事项"},
}


def normal(text: str) -> str:
    """Header text without spaces, line breaks and bracket style differences."""
    text = re.sub(r"\s+", "", text)
    return text.replace("(", "（").replace(")", "）")


_BY_NAME = {normal(name): column for column in COLUMNS for name in (column.header, *column.aliases)}


def column_for(header: str) -> Column | None:
    return _BY_NAME.get(normal(header)) or _BY_NAME.get(normal(re.sub(r"[（(].*?[）)]", "", header)))


def split_list(text: str) -> list[str]:
    return [part.strip() for part in re.split(r"[、,，;；/\n]+", text) if part.strip()]
