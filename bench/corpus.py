"""A synthetic corpus shaped like the real platform, for the benchmark.

1 city + 9 district columns (the repository's own column configs, banners, domains and map),
184 townships spread over the districts, 26 domains, catalogues with the standard elements, and
records in both source forms: bulk YAML files of many records and one Markdown file per record,
with Chinese bodies. Deterministic for a given size and seed.
"""
from __future__ import annotations

import random
import shutil
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parent.parent
TOWNSHIPS = 184
ITEMS_PER_DOMAIN = 6
POLICY_SHARE = 0.05
MARKDOWN_SHARE = 0.5
BULK_FILE_SIZE = 200          # records per bulk YAML file

LEVEL1 = ["行政许可", "行政处罚", "行政给付", "行政确认", "公共服务", "政策文件", "工作动态", "资金管理"]
LEVEL2 = ["办理指南", "结果公示", "申请条件", "资金发放", "年度计划", "执行情况", "监督检查", "政策解读",
          "名单公示", "标准公开", "工作进展", "通知公告"]
SENTENCES = [
    "为进一步做好基层政务公开标准化规范化工作，切实保障人民群众的知情权、参与权、表达权和监督权，现将有关事项公告如下。",
    "根据《中华人民共和国政府信息公开条例》有关规定，结合本地实际，经研究决定，对相关信息予以主动公开。",
    "各乡镇（街道）要高度重视，明确专人负责，按照公开事项目录及时、准确、完整地发布信息。",
    "申请人可通过政务服务中心窗口、湖南政务服务网或者“湘易办”移动端提交申请材料，办理结果同步公开。",
    "本次共审核通过申请对象若干户，资金已通过“一卡通”发放至本人账户，请相关群众注意查收。",
    "公示期间，如有异议，可通过信件、来访等方式向有关部门反映，反映情况须实事求是。",
    "城乡居民最低生活保障标准、特困人员救助供养标准按照上级规定执行，实行动态管理。",
    "项目建设严格落实招标投标、工程监理和合同管理制度，确保工程质量和安全生产。",
    "财政预算资金使用情况接受人大监督、审计监督和社会监督，按规定公开“三公”经费。",
    "征收补偿方案已经公开征求意见，补偿标准、安置方式和签约期限以正式公告为准。",
    "各相关单位要加强安全生产隐患排查治理，落实企业主体责任，坚决遏制重特大事故发生。",
    "农村危房改造对象由农户自愿申请、村民会议评议、乡镇审核、县级审批后予以公示。",
    "义务教育阶段学校招生工作坚持免试就近入学原则，招生范围和招生计划向社会公布。",
    "医疗卫生机构要严格执行基本公共卫生服务规范，做好老年人、慢性病患者的健康管理。",
    "就业创业补贴申领实行告知承诺制，符合条件的人员可在线申请，审核结果按月公开。",
    "全面推行行政执法公示制度、执法全过程记录制度和重大执法决定法制审核制度。",
]
HEADINGS = ["一、基本情况", "二、主要内容", "三、办理程序", "四、监督方式", "五、其他事项"]
PUBLISHERS = ["人民政府办公室", "民政局", "财政局", "住房和城乡建设局", "应急管理局", "卫生健康局",
              "人力资源和社会保障局", "农业农村局", "教育局", "司法局"]


def generate(target: Path, records: int, seed: int = 20261123) -> dict:
    """Write a whole project (site.yaml, content/, districts/) into `target`; returns its counts."""
    rng = random.Random(seed)
    if target.exists():
        shutil.rmtree(target)
    target.mkdir(parents=True)
    copy_configuration(target)
    columns = column_slugs()
    domains = domain_slugs()
    city = read_yaml(REPO / "site.yaml")["city"]["column"]
    districts = [c for c in columns if c != city]
    towns = spread_townships(districts, rng)
    items = {}
    for column in columns:
        items[column] = write_catalogue(target, column, domains, rng)
        if column in towns:
            towns[column] = write_townships(target, column, towns[column], domains, rng)
    shares = split(records, len(columns))
    for column, count in zip(columns, shares):
        write_records(target, column, count, items[column], towns.get(column, []), rng)
    return {"columns": len(columns), "townships": sum(map(len, towns.values())), "domains": len(domains),
            "items": sum(len(v) for v in items.values()), "records": records}


def copy_configuration(target: Path) -> None:
    shutil.copy(REPO / "site.yaml", target / "site.yaml")
    shutil.copytree(REPO / "districts", target / "districts")
    (target / "content").mkdir()
    shutil.copy(REPO / "content" / "domains.yaml", target / "content" / "domains.yaml")
    shutil.copytree(REPO / "content" / "map", target / "content" / "map")
    # the search lexicon ships with the project: a city's site has it from the start
    shutil.copytree(REPO / "content" / "search", target / "content" / "search")


def column_slugs() -> list[str]:
    return sorted(p.name for p in (REPO / "districts").iterdir() if (p / "column.yaml").is_file())


def domain_slugs() -> list[str]:
    return [d["slug"] for d in read_yaml(REPO / "content" / "domains.yaml")["domains"]]


def read_yaml(path: Path):
    return yaml.load(path.read_text(encoding="utf-8"), Loader=yaml.CSafeLoader)


def column_name(column: str) -> str:
    return read_yaml(REPO / "districts" / column / "column.yaml")["name"]


def spread_townships(districts: list[str], rng: random.Random) -> dict[str, list[dict]]:
    """The repository's real townships, topped up with numbered ones to reach 184."""
    towns: dict[str, list[dict]] = {}
    for column in districts:
        source = REPO / "content" / column / "townships.yaml"
        towns[column] = [{"slug": t["slug"], "name": t["name"], "code": t["code"]}
                         for t in (read_yaml(source)["townships"] if source.is_file() else [])]
    n = 0
    while sum(map(len, towns.values())) < TOWNSHIPS:
        column = districts[n % len(districts)]
        adcode = str(read_yaml(REPO / "districts" / column / "column.yaml")["adcode"])
        number = 900 - n
        towns[column].append({"slug": f"xinqu-{n + 1}", "name": f"新区第{n + 1}街道", "code": f"{adcode}{number:03d}"})
        n += 1
    return towns


def write_catalogue(target: Path, column: str, domains: list[str], rng: random.Random) -> list[tuple[str, str]]:
    folder = target / "content" / column / "catalogue"
    folder.mkdir(parents=True)
    name = column_name(column)
    ids = []
    for d_index, domain in enumerate(domains):
        items = []
        for n in range(1, ITEMS_PER_DOMAIN + 1):
            item_id = f"d{d_index + 1:02d}-{n:02d}"
            ids.append((domain, item_id))
            items.append({
                "id": item_id, "level1": LEVEL1[(d_index + n) % len(LEVEL1)],
                "level2": LEVEL2[(d_index * 3 + n) % len(LEVEL2)] + f"（{n}）",
                "elements": "办理依据、办理条件、申请材料、办理流程、办理时限、办理结果",
                "basis": "《中华人民共和国政府信息公开条例》",
                "time_limit": "信息形成或变更之日起20个工作日内",
                "subject": name + rng.choice(PUBLISHERS),
                "channels": ["政府网站", "政务服务中心"], "audience": "全社会", "mode": "主动",
                "levels": ["区县级", "乡镇级"], "type": "非政务服务事项",
            })
        dump(folder / f"{domain}.yaml", {"items": items})
    return ids


def write_townships(target: Path, column: str, towns: list[dict], domains: list[str],
                    rng: random.Random) -> list[dict]:
    entries = [{**t, "exclude_domains": rng.sample(domains, 3)} for t in towns]
    dump(target / "content" / column / "townships.yaml", {"townships": entries})
    return entries


def write_records(target: Path, column: str, count: int, items: list[tuple[str, str]], towns: list[dict],
                  rng: random.Random) -> None:
    name = column_name(column)
    bulk: dict[str, list[dict]] = {}
    for n in range(count):
        domain, item_id = items[n % len(items)]
        policy = rng.random() < POLICY_SHARE
        kept = [t for t in towns if domain not in t["exclude_domains"]]
        record = make_record(name, n, item_id, kept, policy, rng)
        folder = "policies" if policy else "records"
        if rng.random() < MARKDOWN_SHARE:
            write_markdown(target / "content" / column / folder / domain / f"{record['id']}.md", record)
        else:
            bulk.setdefault(f"{folder}/{domain}", []).append(record)
    for key, entries in bulk.items():
        for part in range(0, len(entries), BULK_FILE_SIZE):
            dump(target / "content" / column / f"{key}-{part // BULK_FILE_SIZE + 1:03d}.yaml",
                 {"records": entries[part:part + BULK_FILE_SIZE]})


def make_record(name: str, n: int, item_id: str, towns: list[dict], policy: bool, rng: random.Random) -> dict:
    year = 2018 + n % 9
    month, day = rng.randint(1, 12), rng.randint(1, 28)
    town = rng.choice(towns) if towns and not policy and rng.random() < 0.4 else None
    where = town["name"] if town else name
    record = {"id": f"r{year}-{n:06d}", "title": f"{where}{rng.choice(LEVEL2)}{rng.choice(['公告', '通知', '公示', '报告'])}（第{n}号）",
              "written": f"{year}-{month:02d}-{day:02d}", "published": f"{year}-{month:02d}-{day:02d}",
              "publisher": name + rng.choice(PUBLISHERS)}
    if policy:
        record["validity"] = rng.choice(["有效", "有效", "有效", "失效", "废止"])
        record["doc_no"] = f"{name[:1]}政发〔{year}〕{n % 90 + 1}号"
        record["item"] = item_id
    else:
        record["item"] = item_id
        if town:
            record["township"] = town["slug"]
    record["body"] = body(rng)
    return record


def body(rng: random.Random) -> str:
    parts = [rng.choice(SENTENCES)]
    for heading in HEADINGS[: rng.randint(1, 4)]:
        parts.append(f"## {heading}")
        parts.append("".join(rng.sample(SENTENCES, rng.randint(1, 3))))
    if rng.random() < 0.2:
        parts.append("| 序号 | 项目 | 金额（万元） |\n|---|---|---|\n" +
                     "\n".join(f"| {i} | {rng.choice(LEVEL2)} | {rng.randint(1, 900)}.{rng.randint(0, 99):02d} |"
                               for i in range(1, rng.randint(3, 7))))
    return "\n\n".join(parts) + "\n"


def write_markdown(path: Path, record: dict) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    front = {k: v for k, v in record.items() if k != "body"}
    path.write_text("---\n" + yaml.dump(front, allow_unicode=True, sort_keys=False, Dumper=yaml.CSafeDumper)
                    + "---\n\n" + record["body"], encoding="utf-8")


def dump(path: Path, data) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(yaml.dump(data, allow_unicode=True, sort_keys=False, width=1000, Dumper=yaml.CSafeDumper),
                    encoding="utf-8")


def split(total: int, parts: int) -> list[int]:
    return [total // parts + (1 if i < total % parts else 0) for i in range(parts)]
