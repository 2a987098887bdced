"""Grading results: one ``TaskResult`` per task, one ``SubmissionResult`` per learner.

Results are plain data, saved as JSON (one file per submission) and read back
to rebuild the gradebook, so a batch can be interrupted and resumed.
Taught in no notebook; used by ``course check`` and ``course grade``.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, replace

from course_lib.grading.tampering import Flag

TASK_STATUSES = ("pass", "fail", "error", "missing", "flagged")
SUBMISSION_STATUSES = ("graded", "invalid")


@dataclass(frozen=True)
class TaskResult:
    """The outcome of one task (one test cell of the source).

    ``status`` is "pass", "fail" (the tests rejected the answer), "error"
    (something stopped the test: an exception, a time or memory limit, a dead
    kernel), "missing" (the test cell was deleted and could not be put
    back) or "flagged" (scored 0 by ``--strict`` because tampering was flagged
    before its test ran; see ``apply_strict``). ``reason`` says why, in words
    a learner can act on; for a hidden test it names the failure, never the
    test. ``has_hidden_tests`` tells that more tests run when graded than when
    checked.
    """

    grade_id: str
    task: str
    status: str
    points: float
    max_points: float
    reason: str = ""
    has_hidden_tests: bool = False

    def __post_init__(self):
        if self.status not in TASK_STATUSES:
            raise ValueError(f"status must be one of {TASK_STATUSES}, got {self.status!r}")


@dataclass
class SubmissionResult:
    """The outcome of one submission: its tasks, score and notes.

    ``status`` is "graded", or "invalid" when the file could not be read as a
    notebook (``reason`` says why; every task then scores 0). ``notes`` lists
    what the grader noticed on the way (a restored test cell, a cell that timed
    out or raised) and ``seconds`` the time the run took. ``isolation`` names
    the sandbox the kernel ran in (``sandbox.isolation_name``; empty when no
    kernel ran), ``flags`` the tampering found (``tampering.Flag``) and
    ``redactions`` the secret lines removed from the feedback, each a dict
    ``{"where": ..., "line": ...}`` (for the instructor only).
    """

    learner: str
    tasks: list[TaskResult]
    status: str = "graded"
    reason: str = ""
    notes: list[str] = field(default_factory=list)
    seconds: float = 0.0
    isolation: str = ""
    flags: list[Flag] = field(default_factory=list)
    redactions: list[dict] = field(default_factory=list)

    def __post_init__(self):
        if self.status not in SUBMISSION_STATUSES:
            raise ValueError(f"status must be one of {SUBMISSION_STATUSES}, got {self.status!r}")

    @property
    def score(self) -> float:
        """Points earned."""
        return sum(task.points for task in self.tasks)

    @property
    def max_score(self) -> float:
        """Points available."""
        return sum(task.max_points for task in self.tasks)

    def to_dict(self) -> dict:
        """A JSON-ready dict (``from_dict`` reads it back)."""
        data = asdict(self)
        data["flags"] = [flag.to_dict() for flag in self.flags]
        data["score"] = self.score
        data["max_score"] = self.max_score
        return data

    @classmethod
    def from_dict(cls, data: dict) -> SubmissionResult:
        """The result saved by ``to_dict``."""
        return cls(
            learner=data["learner"],
            tasks=[TaskResult(**task) for task in data["tasks"]],
            status=data["status"],
            reason=data.get("reason", ""),
            notes=list(data.get("notes", [])),
            seconds=float(data.get("seconds", 0.0)),
            isolation=str(data.get("isolation", "")),
            flags=[Flag.from_dict(flag) for flag in data.get("flags", [])],
            redactions=[dict(item) for item in data.get("redactions", [])],
        )


def apply_strict(result: SubmissionResult) -> SubmissionResult:
    """``result`` as ``--strict`` scores it: every task a flag reaches scores 0, "flagged".

    A flag reaches the tasks whose tests ran after the flagged code
    (``Flag.tasks``). The result itself is not changed; a new one is returned.
    """
    reached: dict[str, list[Flag]] = {}
    for flag in result.flags:
        for task in flag.tasks:
            reached.setdefault(task, []).append(flag)
    if not reached:
        return result
    tasks = []
    for task in result.tasks:
        flags = reached.get(task.grade_id)
        if flags is None:
            tasks.append(task)
            continue
        shown = "; ".join(flag.describe() for flag in flags[:3])
        more = f" and {len(flags) - 3} more" if len(flags) > 3 else ""
        tasks.append(
            replace(
                task,
                status="flagged",
                points=0.0,
                reason=f"scored 0 by --strict: tampering flagged before this test ({shown}{more})",
            )
        )
    return replace(result, tasks=tasks)


def format_points(points: float) -> str:
    """``2``, ``0.5``: points without a useless ``.0``."""
    return f"{points:g}"
