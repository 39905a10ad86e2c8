"""Independent check of an Onramp calendar feed with the `icalendar` package.

Reads an .ics file and prints JSON: for each event its UID, summary, start,
end, whether it is all-day, its RRULE, and the first sessions the rule (minus
EXDATEs) expands to, in UTC. Used by the Rust test suite.
"""
import json
import sys
from datetime import date, datetime, timezone

import icalendar
from dateutil.rrule import rruleset, rrulestr


def iso(value):
    if isinstance(value, datetime):
        if value.tzinfo is None:
            return value.isoformat()
        return value.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def main(path):
    with open(path, "rb") as f:
        cal = icalendar.Calendar.from_ical(f.read())
    events = []
    for event in cal.walk("VEVENT"):
        start = event.decoded("DTSTART")
        end = event.decoded("DTEND") if "DTEND" in event else None
        entry = {
            "uid": str(event.get("UID")),
            "summary": str(event.get("SUMMARY")),
            "start": iso(start),
            "end": iso(end) if end is not None else None,
            "all_day": not isinstance(start, datetime),
            "rrule": None,
            "sessions": [],
        }
        if "RRULE" in event:
            rule = event["RRULE"].to_ical().decode()
            entry["rrule"] = rule
            rules = rruleset()
            rules.rrule(rrulestr(rule, dtstart=start))
            exdates = event.get("EXDATE")
            if exdates is not None:
                for group in exdates if isinstance(exdates, list) else [exdates]:
                    for d in group.dts:
                        rules.exdate(d.dt)
            entry["sessions"] = [iso(d) for d in rules[:6]]
        events.append(entry)
    timezones = [str(tz.get("TZID")) for tz in cal.walk("VTIMEZONE")]
    print(json.dumps({"events": events, "timezones": timezones}))


if __name__ == "__main__":
    main(sys.argv[1])
