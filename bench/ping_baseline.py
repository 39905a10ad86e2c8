"""The same work in Python with the standard json module, as most analysts
would write it: load each payload, flatten it, list failed metrics, and
compute the use-case measures. Prints the total bytes read."""
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


def main(paths):
    total = 0
    for path in paths:
        with open(path, "rb") as f:
            data = f.read()
        total += len(data)
        flat = {}
        flatten("", json.loads(data), flat)
        analyse(flat)
    print(total)


if __name__ == "__main__":
    main(sys.argv[1:])
