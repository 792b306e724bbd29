"""Cron schedules of Saturn Cloud jobs, read exactly as Kubernetes reads them.

Saturn runs a scheduled job as a Kubernetes CronJob, so a schedule means what it means there:

- kube-apiserver accepts ``spec.schedule`` when robfig/cron v3's ``cron.ParseStandard`` parses it
  and it holds no ``TZ`` (``validateScheduleFormat``: "cannot use TZ or CRON_TZ in schedule, use
  timeZone field instead", enforced for new objects since Kubernetes 1.27);
- kube-controller-manager computes run times with the same library's ``Schedule.Next``, in its own
  time zone (UTC: Saturn runs schedules in UTC). ``Next`` gives up after five years and answers the
  zero time, and the controller then reports ``InvalidSchedule`` ("time difference between two
  schedules is less than 1 second") and never starts a run: ``0 0 30 2 *`` parses but never runs.

This module is a port of those rules (robfig/cron v3.0.1 ``parser.go``, ``spec.go``,
``constantdelay.go``; Go's ``time.ParseDuration`` for ``@every``), so the panel accepts exactly the
schedules Saturn will run and shows the run times it will use: five fields (minute hour
day-of-month month day-of-week), each a list of ``*``, ``?``, numbers, ranges and steps, months
``JAN-DEC`` and days ``SUN-SAT`` by name (any case), days of the week 0-6 (7 is refused), the
day-of-month and day-of-week combined by OR unless either is ``*`` or ``?`` (``*/2`` is a list:
OR); or one of ``@yearly @annually @monthly @weekly @daily @midnight @hourly`` (lower case) and
``@every <duration>``. No seconds field, no ``L``, ``W`` or ``#``. Checked against run times
recorded from robfig/cron itself (``tests/robfig_cron_v3_cases.json``). Nothing here raises
anything but ``ScheduleError`` (a ``ValueError``) or ``BadRequest``, whatever the text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any, Union

from ..errors import BadRequest

TIMEZONE = "UTC"
MACROS = ("@yearly", "@annually", "@monthly", "@weekly", "@daily", "@midnight", "@hourly")

_STAR = 1 << 63
# Go's unicode.IsSpace: what strings.Fields splits on (Python's str.split also splits on \x1c-\x1f).
_GO_SPACE = "\t\n\v\f\r \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000"
_FIELDS = re.compile(f"[^{_GO_SPACE}]+")
_ATOI = re.compile(r"^[+-]?[0-9]+$")
_INT64_MAX = (1 << 63) - 1


class ScheduleError(ValueError):
    """A schedule Kubernetes refuses, with its reason in the words of robfig/cron or kube-apiserver."""


@dataclass(frozen=True)
class _Bounds:
    low: int
    high: int
    names: dict[str, int] | None = None


_MINUTES = _Bounds(0, 59)
_HOURS = _Bounds(0, 23)
_DOM = _Bounds(1, 31)
_MONTHS = _Bounds(
    1,
    12,
    {
        n: i + 1
        for i, n in enumerate(["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"])
    },
)
_DOW = _Bounds(0, 6, {n: i for i, n in enumerate(["sun", "mon", "tue", "wed", "thu", "fri", "sat"])})


@dataclass(frozen=True)
class SpecSchedule:
    """Five cron fields as robfig's bit sets (bit 63: the field was ``*`` or ``?``)."""

    minute: int
    hour: int
    dom: int
    month: int
    dow: int


@dataclass(frozen=True)
class EverySchedule:
    """``@every <duration>``: a fixed delay in whole seconds (at least one)."""

    seconds: int


Schedule = Union[SpecSchedule, EverySchedule]


def go_fields(text: str) -> list[str]:
    """``strings.Fields``: the words of ``text`` between Go's white space."""
    return _FIELDS.findall(text)


def normalize(value: str) -> str:
    """A schedule as typed, its blanks collapsed (what the panel sends to Saturn)."""
    return " ".join(go_fields(value))


def parse(spec: str) -> Schedule:
    """Parse ``spec`` exactly as kube-apiserver validates a CronJob's ``spec.schedule``
    (robfig/cron v3 ``ParseStandard``, then no ``TZ``); ``ScheduleError`` says why not."""
    if not spec:
        raise ScheduleError("empty spec string")
    if "TZ" in spec:
        raise ScheduleError("cannot use TZ or CRON_TZ in schedule, use timeZone field instead")
    if spec.startswith("@"):
        return _descriptor(spec)
    fields = go_fields(spec)
    if len(fields) != 5:
        raise ScheduleError(f"expected exactly 5 fields, found {len(fields)}: [{' '.join(fields)}]")
    return SpecSchedule(
        minute=_field(fields[0], _MINUTES),
        hour=_field(fields[1], _HOURS),
        dom=_field(fields[2], _DOM),
        month=_field(fields[3], _MONTHS),
        dow=_field(fields[4], _DOW),
    )


def _field(field: str, bounds: _Bounds) -> int:
    """``getField``: the union of the comma-separated ranges (empty pieces are skipped)."""
    bits = 0
    for expr in (piece for piece in field.split(",") if piece):
        bits |= _range(expr, bounds)
    return bits


def _range(expr: str, bounds: _Bounds) -> int:
    """``getRange``: ``*``/``?``, ``N``, ``N-M``, each with an optional ``/step``."""
    range_and_step = expr.split("/")
    low_and_high = range_and_step[0].split("-")
    single = len(low_and_high) == 1
    extra = 0
    if low_and_high[0] in ("*", "?"):  # robfig ignores what follows a "*-"
        start, end, extra = bounds.low, bounds.high, _STAR
    else:
        start = _int_or_name(low_and_high[0], bounds.names)
        if len(low_and_high) == 1:
            end = start
        elif len(low_and_high) == 2:
            end = _int_or_name(low_and_high[1], bounds.names)
        else:
            raise ScheduleError(f"too many hyphens: {expr}")
    if len(range_and_step) == 1:
        step = 1
    elif len(range_and_step) == 2:
        step = _atoi(range_and_step[1])
        if single:  # "N/step" means "N-max/step"
            end = bounds.high
        if step > 1:
            extra = 0
    else:
        raise ScheduleError(f"too many slashes: {expr}")
    if start < bounds.low:
        raise ScheduleError(f"beginning of range ({start}) below minimum ({bounds.low}): {expr}")
    if end > bounds.high:
        raise ScheduleError(f"end of range ({end}) above maximum ({bounds.high}): {expr}")
    if start > end:
        raise ScheduleError(f"beginning of range ({start}) beyond end of range ({end}): {expr}")
    if step == 0:
        raise ScheduleError(f"step of range should be a positive number: {expr}")
    return _bits(start, end, step) | extra


def _bits(start: int, end: int, step: int = 1) -> int:
    """``getBits``: bits ``start..end`` every ``step``."""
    return sum(1 << i for i in range(start, end + 1, step))


def _int_or_name(expr: str, names: dict[str, int] | None) -> int:
    if names is not None and expr.lower() in names:
        return names[expr.lower()]
    return _atoi(expr)


def _atoi(expr: str) -> int:
    """``mustParseInt``: Go's ``strconv.Atoi`` (ASCII digits, an optional sign, int64), not negative."""
    if not _ATOI.fullmatch(expr):
        raise ScheduleError(f'failed to parse int from {expr}: strconv.Atoi: parsing "{expr}": invalid syntax')
    digits = expr.lstrip("+-").lstrip("0") or "0"
    # Digits are counted before int(), which refuses numbers of more than 4,300 of them.
    number = (-1 if expr[0] == "-" else 1) * int(digits) if len(digits) <= 19 else None
    if number is None or not -_INT64_MAX - 1 <= number <= _INT64_MAX:
        raise ScheduleError(f'failed to parse int from {expr}: strconv.Atoi: parsing "{expr}": value out of range')
    if number < 0:
        raise ScheduleError(f"negative number ({number}) not allowed: {expr}")
    return number


def _descriptor(spec: str) -> Schedule:
    """``parseDescriptor``: the macros (exact, lower case) and ``@every <duration>``."""
    all_hours = _bits(0, 23) | _STAR
    all_dom, all_months, all_dow = _bits(1, 31) | _STAR, _bits(1, 12) | _STAR, _bits(0, 6) | _STAR
    minute0, hour0 = 1 << 0, 1 << 0
    if spec in ("@yearly", "@annually"):
        return SpecSchedule(minute0, hour0, 1 << 1, 1 << 1, all_dow)
    if spec == "@monthly":
        return SpecSchedule(minute0, hour0, 1 << 1, all_months, all_dow)
    if spec == "@weekly":
        return SpecSchedule(minute0, hour0, all_dom, all_months, 1 << 0)
    if spec in ("@daily", "@midnight"):
        return SpecSchedule(minute0, hour0, all_dom, all_months, all_dow)
    if spec == "@hourly":
        return SpecSchedule(minute0, all_hours, all_dom, all_months, all_dow)
    if spec.startswith("@every "):
        nanoseconds = parse_duration(spec[len("@every ") :])
        # cron.Every: at least a second, and whole seconds.
        return EverySchedule(max(1, nanoseconds // 1_000_000_000))
    raise ScheduleError(f"unrecognized descriptor: {spec}")


_UNITS = {
    "ns": 1,
    "us": 1_000,
    "\u00b5s": 1_000,  # micro sign
    "\u03bcs": 1_000,  # Greek mu
    "ms": 1_000_000,
    "s": 1_000_000_000,
    "m": 60_000_000_000,
    "h": 3_600_000_000_000,
}


def parse_duration(text: str) -> int:
    """Go's ``time.ParseDuration`` in nanoseconds (``1h30m``, ``1.5h``, ``-2m``, ``300ms``)."""
    original, rest, negative, total = text, text, False, 0
    failed = f"failed to parse duration @every {original}: time:"
    invalid = ScheduleError(f'{failed} invalid duration "{original}"')
    if rest and rest[0] in "+-":
        negative, rest = rest[0] == "-", rest[1:]
    if rest == "0":
        return 0
    if not rest:
        raise invalid
    while rest:
        if not (rest[0] == "." or "0" <= rest[0] <= "9"):
            raise invalid
        digits = re.match(r"[0-9]*", rest)
        assert digits is not None
        whole_text, rest = digits.group(0), rest[digits.end() :]
        if len(whole_text.lstrip("0")) > 19:  # leadingInt overflows (and int() refuses 4,300 digits)
            raise invalid
        whole = int(whole_text.lstrip("0") or "0")
        if whole > 1 << 63:
            raise invalid
        fraction, scale, post = 0, 1.0, False
        if rest.startswith("."):
            rest = rest[1:]
            digits = re.match(r"[0-9]*", rest)
            assert digits is not None
            post = digits.end() > 0
            for char in digits.group(0):  # leadingFraction: stop adding once it would overflow
                if fraction > _INT64_MAX // 10:
                    break
                candidate = fraction * 10 + int(char)
                if candidate > 1 << 63:
                    break
                fraction, scale = candidate, scale * 10
            rest = rest[digits.end() :]
        if not whole_text and not post:
            raise invalid
        unit_end = 0
        while unit_end < len(rest) and not (rest[unit_end] == "." or "0" <= rest[unit_end] <= "9"):
            unit_end += 1
        if unit_end == 0:
            raise ScheduleError(
                f'failed to parse duration @every {original}: time: missing unit in duration "{original}"'
            )
        unit = _UNITS.get(rest[:unit_end])
        if unit is None:
            raise ScheduleError(f'{failed} unknown unit "{rest[:unit_end]}" in duration "{original}"')
        rest = rest[unit_end:]
        if whole > (1 << 63) // unit:
            raise invalid
        value = whole * unit
        if fraction > 0:
            value += int(float(fraction) * (float(unit) / scale))
            if value > 1 << 63:
                raise invalid
        total += value
        if total > 1 << 63:
            raise invalid
    if negative:
        return -total
    if total > _INT64_MAX:
        raise invalid
    return total


def next_time(schedule: Schedule, after: datetime) -> datetime | None:
    """``Schedule.Next`` in UTC: the first run time strictly after ``after``, or None when there
    is none within robfig's five-year horizon (the schedule never runs)."""
    start = after.astimezone(timezone.utc).replace(microsecond=0) + timedelta(seconds=1)
    if isinstance(schedule, EverySchedule):
        return after.astimezone(timezone.utc).replace(microsecond=0) + timedelta(seconds=schedule.seconds)
    return _next_spec(schedule, start)


def _next_spec(s: SpecSchedule, t: datetime) -> datetime | None:
    """robfig's ``SpecSchedule.Next`` from ``t`` (already on the upcoming second), in UTC."""
    if not (s.minute & ~_STAR and s.hour & ~_STAR and s.month & ~_STAR):
        return None  # a field that matches nothing: Next would search five years in vain
    added = False
    year_limit = t.year + 5
    while True:  # the WRAP label
        if t.year > year_limit:
            return None
        wrapped = False
        while not (1 << t.month) & s.month:
            if not added:
                added = True
                t = t.replace(day=1, hour=0, minute=0, second=0)
            t = _add_month(t)
            if t.month == 1:
                wrapped = True
                break
        if wrapped:
            continue
        while not _day_matches(s, t):
            if not added:
                added = True
                t = t.replace(hour=0, minute=0, second=0)
            t += timedelta(days=1)
            if t.day == 1:
                wrapped = True
                break
        if wrapped:
            continue
        while not (1 << t.hour) & s.hour:
            if not added:
                added = True
                t = t.replace(minute=0, second=0)
            t += timedelta(hours=1)
            if t.hour == 0:
                wrapped = True
                break
        if wrapped:
            continue
        while not (1 << t.minute) & s.minute:
            if not added:
                added = True
                t = t.replace(second=0)
            t += timedelta(minutes=1)
            if t.minute == 0:
                wrapped = True
                break
        if wrapped:
            continue
        while t.second != 0:  # the seconds field of a standard schedule is "0"
            if not added:
                added = True
            t += timedelta(seconds=1)
            if t.second == 0:
                wrapped = True
                break
        if wrapped:
            continue
        return t


def _add_month(t: datetime) -> datetime:
    """Go's ``t.AddDate(0, 1, 0)``: the same day one month on, an overflowing day carried over."""
    year, month = (t.year + 1, 1) if t.month == 12 else (t.year, t.month + 1)
    return t.replace(year=year, month=month, day=1) + timedelta(days=t.day - 1)


def _day_matches(s: SpecSchedule, t: datetime) -> bool:
    dom = bool((1 << t.day) & s.dom)
    dow = bool((1 << ((t.weekday() + 1) % 7)) & s.dow)  # Go: Sunday is 0
    if s.dom & _STAR or s.dow & _STAR:
        return dom and dow
    return dom or dow


def _iso(moment: datetime) -> str:
    return moment.astimezone(timezone.utc).isoformat().replace("+00:00", "Z")


def shown(schedule: str, limit: int = 80) -> str:
    """A schedule quoted for a message, cut short when it is long."""
    return repr(schedule if len(schedule) <= limit else schedule[: limit - 3] + "...")


def _short(reason: str) -> str:
    """A reason with every long word (a huge number Kubernetes echoes) cut in the middle."""
    return re.sub(r"\S{41,}", lambda word: word.group(0)[:24] + "..." + word.group(0)[-12:], reason)


_QUARTZ = re.compile(r"(?i)(?:^|[\s,])(?:\d*L|\d+W|LW)(?=$|[\s,])|#")


def _hint(schedule: str, reason: str) -> str:
    """A pointer for the mistakes people make with Kubernetes' cron dialect."""
    fields = go_fields(schedule)
    if "TZ" in schedule:
        return " Saturn runs every schedule in UTC: write the times in UTC, without TZ= or CRON_TZ=."
    if len(fields) == 6:
        return " Kubernetes schedules have no seconds (or years) field."
    if len(fields) == 5 and "above maximum (6)" in reason:
        return " Days of the week are 0-6 (0 is Sunday) or SUN-SAT; 7 is not accepted."
    if _QUARTZ.search(schedule):
        return " L, W and # are not part of Kubernetes' cron."
    return ""


def check_schedule(value: Any, *, now: datetime | None = None) -> str:
    """A schedule a user asks for, blanks collapsed, when Saturn will run it; else a 400 that says
    what is wrong (in Kubernetes' words) or that it never runs."""
    if not isinstance(value, str) or not value.strip():
        raise BadRequest('schedule must be a cron expression such as "0 7 * * 1-5".')
    schedule = normalize(value)
    try:
        parsed = parse(schedule)
    except ScheduleError as exc:
        reason = str(exc)
        if schedule.startswith("@") and "descriptor" in reason:
            raise BadRequest(
                f"Unknown schedule macro {shown(schedule)}: use one of {', '.join(MACROS)} or @every <duration>"
                " (such as @every 4h)."
            ) from None
        if reason.startswith("expected exactly 5 fields"):
            raise BadRequest(
                f"A cron schedule has 5 fields (minute hour day month weekday), not {len(go_fields(schedule))}:"
                f" {shown(schedule)}.{_hint(schedule, reason)}"
            ) from None
        reason = _short(reason)
        raise BadRequest(
            f"{shown(schedule)} is not a valid cron schedule for Saturn (a Kubernetes CronJob): {reason}."
            f"{_hint(schedule, reason)}"
        ) from None
    if next_time(parsed, now or datetime.now(timezone.utc)) is None:
        raise BadRequest(
            f"{shown(schedule)} never runs: no date matches it (such as 30 February), so Kubernetes would"
            " never start the job. To run the job only by hand, leave it unscheduled."
        )
    return schedule


def next_runs(schedule: str, *, count: int = 3, after: datetime | None = None) -> list[str]:
    """The next ``count`` run times of a schedule, as ISO times in UTC; fewer (or none) when it
    runs no more, none when Kubernetes refuses it. ``@every`` counts from ``after`` (Kubernetes
    counts from when the schedule was set or last ran)."""
    try:
        parsed = parse(schedule)
    except ScheduleError:
        return []
    moment = after or datetime.now(timezone.utc)
    times: list[str] = []
    for _ in range(count):
        found = next_time(parsed, moment)
        if found is None:
            break
        times.append(_iso(found))
        moment = found
    return times


def schedule_problem(schedule: Any, *, now: datetime | None = None) -> str | None:
    """Why a schedule Saturn holds will not run as written, in a sentence; None when it runs."""
    if not isinstance(schedule, str):
        return "Saturn holds a schedule for this job that is not text, so it never runs."
    try:
        parsed = parse(schedule)
    except ScheduleError as exc:
        reason = _short(str(exc))
        return f"Kubernetes does not accept this job's schedule {shown(schedule)} ({reason}), so it never runs."
    if next_time(parsed, now or datetime.now(timezone.utc)) is None:
        return f"This job's schedule {shown(schedule)} never runs: no date matches it."
    return None


def next_run(schedule: Any, after: datetime | None = None) -> str | None:
    """The next run of a job's schedule as Saturn holds it, or None when it has none."""
    if not isinstance(schedule, str):
        return None
    runs = next_runs(schedule, count=1, after=after)
    return runs[0] if runs else None
