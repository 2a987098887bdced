"""Hidden tests and solutions are redacted from what learners read (no kernel needed)."""

from grading_notebooks import HIDDEN_MARKER, make_source

from course_lib.grading.grade import redact_result
from course_lib.grading.redaction import MIN_SECRET_LENGTH, REDACTED, redact, secret_lines
from course_lib.grading.results import SubmissionResult, TaskResult

HIDDEN_LINE = f'assert double(-3) == -6, "{HIDDEN_MARKER}: double(-3)"'


def compact(text: str) -> str:
    return "".join(text.split())


def test_secret_lines_are_hidden_tests_and_solutions_not_what_the_exercise_shows():
    secrets = secret_lines(make_source())
    assert compact(HIDDEN_LINE) in secrets
    assert "return2*x" not in secrets  # a solution line, but shorter than MIN_SECRET_LENGTH
    assert all(len(line) >= MIN_SECRET_LENGTH for line in secrets)
    visible = 'assert half(4) == 2, f"half(4) should be 2, got {half(4)!r}"'
    assert compact(visible) not in secrets  # visible tests are in the released exercise


def test_lines_the_learner_wrote_are_not_secret():
    assert compact(HIDDEN_LINE) not in secret_lines(make_source(), known=[f"x = 1\n{HIDDEN_LINE}"])


def test_a_secret_line_is_redacted_whatever_its_spacing():
    secrets = secret_lines(make_source())
    spaced = HIDDEN_LINE.replace("==", " ==  ").replace(", ", ",\n    ")
    text, found = redact(f"your code raised ValueError: {spaced} (cell 3)", secrets)
    assert text == f"your code raised ValueError: {REDACTED} (cell 3)"
    assert found == [compact(HIDDEN_LINE)]
    assert redact("nothing secret here", secrets) == ("nothing secret here", [])


def test_a_result_is_redacted_everywhere_a_learner_reads_and_the_redaction_recorded():
    secrets = secret_lines(make_source())
    result = SubmissionResult(
        "mallory",
        [TaskResult("half-tests", "half tests", "fail", 0.0, 1.0, f"ValueError: {HIDDEN_LINE}")],
        notes=["fine", f"cell 4 raised ValueError: {HIDDEN_LINE}"],
    )
    redacted = redact_result(result, secrets)
    assert HIDDEN_MARKER not in str(redacted.tasks) + str(redacted.notes)
    assert redacted.tasks[0].reason == f"ValueError: {REDACTED}"
    assert redacted.notes == ["fine", f"cell 4 raised ValueError: {REDACTED}"]
    assert [item["where"] for item in redacted.redactions] == [
        "the reason of task 'half tests'",
        "note 2",
    ]
    assert SubmissionResult.from_dict(redacted.to_dict()).redactions == redacted.redactions
