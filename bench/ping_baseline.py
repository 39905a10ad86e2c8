"""The same work in Python with the standard json module, as most analysts
would write it: load each payload, flatten it, list failed metrics, and
compute the use-case measures and stage counts. Prints the total bytes read.

With --dictionary METRICS_TSV it also does what onramp does with its metrics
dictionary: every key is looked up (a `_weekly`/`_monthly` suffix tried
without), keys without a definition are counted, stage breadth uses the
definition's stage or the same fallback rules from the key path, the three
largest metrics per stage are kept, and the topology nodes are counted.

    python3 bench/ping_baseline.py [--dictionary crates/ping/data/metrics.tsv] FILE...
"""
import functools
import heapq
import json
import sys

SENTINELS = {-1, -2, -3, -1000}


def flatten(prefix, node, out):
    if isinstance(node, dict) and node and node != {"-1": -1}:
        for k, v in node.items():
            flatten(f"{prefix}.{k}" if prefix else k, v, out)
    else:
        out[prefix] = node


def num(flat, key):
    v = flat.get(key)
    if isinstance(v, (int, float)) and not isinstance(v, bool) and v >= 0:
        return float(v)
    return None


def analyse(flat):
    billable = num(flat, "license_billable_users")
    seats = num(flat, "license_user_count")
    failed = [k for k, v in flat.items() if (isinstance(v, (int, float)) and v in SENTINELS) or v == {"-1": -1}]
    scores = {}
    if billable:
        for mid, key in [
            ("user_engagement", "redis_hll_counters.manage.unique_active_users_monthly"),
            ("scm", "usage_activity_by_stage_monthly.create.action_monthly_active_users_project_repo"),
            ("ci", "counts.count_total_create_ci_build_monthly"),
            ("secure", "usage_activity_by_stage_monthly.secure.user_unique_users_all_secure_scanners"),
            ("cd_users", "usage_activity_by_stage_monthly.release.deployments"),
            ("cd_deploys", "counts_monthly.deployments"),
        ]:
            v = num(flat, key)
            scores[mid] = None if v is None else v / billable
        if seats:
            scores["license_utilization"] = billable / seats
    scans = [num(flat, f"usage_activity_by_stage_monthly.secure.{s}_scans") for s in
             ["secret_detection", "dependency_scanning", "container_scanning", "sast", "dast", "coverage_fuzzing", "api_fuzzing"]]
    scores["scanners_in_use"] = sum(1 for s in scans if s)
    stages = {}
    for k, v in flat.items():
        if isinstance(v, (int, float)) and k.startswith(("counts", "usage_activity_by_stage", "redis_hll_counters")):
            stage = k.split(".")[1] if k.startswith("usage_activity") else k.split(".")[0]
            stages[stage] = stages.get(stage, 0) + (1 if v > 0 else 0)
    return {"failed": failed, "scores": scores, "stages": stages}


USAGE_STAGES = {
    "release": "deploy", "configure": "deploy", "enablement": "systems", "create": "create",
    "verify": "verify", "plan": "plan", "package": "package", "secure": "secure",
    "monitor": "monitor", "govern": "govern", "manage": "manage",
}
REDIS_STAGES = {
    **dict.fromkeys(["code_review", "source_code", "ide_edit", "snippets", "workspaces"], "create"),
    **dict.fromkeys(["ci_templates", "testing", "pipeline_authoring", "ci_secrets_management", "runner"], "verify"),
    **dict.fromkeys(["quickactions", "issues_edit", "epics_usage", "epic_boards_usage", "work_items", "analytics"], "plan"),
    **dict.fromkeys(["user_packages", "deploy_token_packages", "user_container_registry"], "package"),
    "error_tracking": "monitor",
    **dict.fromkeys(["compliance", "govern", "network_policies"], "govern"),
    **dict.fromkeys(["ecosystem", "integrations", "importer", "manage"], "manage"),
    **dict.fromkeys(["terraform", "kubernetes_agent", "environments", "ci_users"], "deploy"),
    "search": "data_stores",
}
STAGE_WORDS = [
    ("secure", ("sast", "dast", "scan", "secret_detection", "fuzzing")),
    ("deploy", ("deploy", "environment")),
    ("verify", ("pipeline", "ci_", "runner", "build")),
    ("create", ("merge_request", "push", "repo")),
    ("plan", ("issue", "epic", "board")),
    ("package", ("package", "registry")),
]


def load_dictionary(path):
    with open(path, encoding="utf-8") as f:
        header = f.readline().rstrip("\n").split("\t")
        key, stage = header.index("key_path"), header.index("product_stage")
        rows = (line.rstrip("\n").split("\t") for line in f)
        return {cells[key]: cells[stage] for cells in rows if len(cells) > max(key, stage)}


def definition_stage(dictionary, key):
    if key in dictionary:
        return dictionary[key]
    for suffix in ("_weekly", "_monthly"):
        if key.endswith(suffix):
            return dictionary.get(key[: -len(suffix)])
    return None


@functools.lru_cache(maxsize=None)  # the same keys come back in every payload (onramp remembers them too)
def fallback_stage(key):
    parts = key.split(".")
    if parts[0] in ("usage_activity_by_stage", "usage_activity_by_stage_monthly") and len(parts) > 1:
        return USAGE_STAGES.get(parts[1], "unknown")
    if parts[0] == "redis_hll_counters" and len(parts) > 1:
        if parts[1] in REDIS_STAGES:
            return REDIS_STAGES[parts[1]]
        if parts[1].startswith("incident_management"):
            return "monitor"
    last = parts[-1]
    for stage, words in STAGE_WORDS:
        if any(w in last for w in words):
            return stage
    return "unknown"


def stage_breadth(flat, dictionary):
    without = 0
    stages = {}
    for k, v in flat.items():
        stage = definition_stage(dictionary, k)
        if stage is None:
            without += 1
        if isinstance(v, (int, float)) and not isinstance(v, bool) and v >= 0 and k.startswith(
            ("counts", "usage_activity_by_stage", "redis_hll_counters")
        ):
            tally = stages.setdefault(stage or fallback_stage(k), [0, 0, []])
            tally[0] += 1
            if v > 0:
                tally[1] += 1
                tally[2].append((v, k))
    top = {s: heapq.nlargest(3, t[2]) for s, t in stages.items()}
    nodes = len(flat.get("topology.nodes") or [])
    return {"without_definition": without, "stages": {s: t[:2] for s, t in stages.items()}, "top": top, "nodes": nodes}


def main(args):
    dictionary = None
    if args[:1] == ["--dictionary"]:
        dictionary = load_dictionary(args[1])
        args = args[2:]
    total = 0
    for path in args:
        with open(path, "rb") as f:
            data = f.read()
        total += len(data)
        flat = {}
        flatten("", json.loads(data), flat)
        analyse(flat)
        if dictionary is not None:
            stage_breadth(flat, dictionary)
    print(total)


if __name__ == "__main__":
    main(sys.argv[1:])
