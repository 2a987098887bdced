"""Grading at scale: `course grade --shard I/N` on N machines, `course gradebook merge` after.

The merged gradebook (and every learner's feedback) must be byte-identical to the one a
single `course grade` over all submissions writes.
"""

import json
import shutil
from pathlib import Path

import pytest
from grading_notebooks import CORRECT, TEST_LIMITS, save, submission, write_source

from course_lib import cli
from course_lib.grading.gradebook import grade_folder, merge_gradebooks, parse_shard, shard_of
from course_lib.grading.limits import Limits

LEARNERS = {
    "alice": CORRECT,
    "bob": {**CORRECT, "half": "def half(x):\n    return x // 3"},
    "carol": {},
    "dan": {**CORRECT, "square": "def square(x):\n    return x + x"},
    "erin": CORRECT,
    "frank": {**CORRECT, "double": "import numpy as np\nnp.isclose = max\n" + CORRECT["double"]},
    "grace": {**CORRECT, "half": "def half(x):\n    return x / 2.0"},
}


def quiet(line):
    pass


def test_shards_partition_the_learners_the_same_way_every_time():
    names = [f"learner{number:03d}" for number in range(300)]
    for count in (1, 2, 3, 7):
        shares = [shard_of(name, count) for name in names]
        assert shares == [shard_of(name, count) for name in names]
        assert set(shares) == set(range(1, count + 1))
        assert max(shares.count(i) for i in set(shares)) < 2 * len(names) / count + 10
    # Adding learners moves nobody: a share depends on the learner's own name only.
    assert [shard_of(name, 4) for name in names[:10]] == [
        shard_of(name, 4) for name in [*names[:10], "zoe"]
    ][:10]


@pytest.mark.parametrize("text", ["0/3", "4/3", "2", "a/b", "1/0", "-1/2"])
def test_a_bad_shard_is_a_usage_error(text):
    with pytest.raises(ValueError, match="--shard takes I/N"):
        parse_shard(text)
    assert parse_shard("2/3") == (2, 3)


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    folder = tmp_path_factory.mktemp("scale")
    source = write_source(folder)
    for name, answers in LEARNERS.items():
        save(submission(answers), folder / "submissions" / f"{name}.ipynb")
    (folder / "submissions" / "heidi.ipynb").write_text("{ truncated")
    limits = Limits(**TEST_LIMITS)
    grade_folder(source, folder / "submissions", folder / "all", limits=limits, report=quiet)
    for index in (1, 2, 3):
        status = cli.main(
            [
                "grade",
                str(source),
                str(folder / "submissions"),
                "--out",
                str(folder / f"shard{index}"),
                "--shard",
                f"{index}/3",
                "--cell-timeout",
                "8",
                "--memory-limit",
                "1024",
            ]
        )
        assert status == 0
    return folder


@pytest.mark.slow
def test_each_shard_grades_its_share_only(graded):
    graded_by_shard = []
    for index in (1, 2, 3):
        shard = json.loads((graded / f"shard{index}" / "shard.json").read_text())
        assert (shard["shard"], shard["of"]) == (index, 3)
        learners = sorted(path.stem for path in (graded / f"shard{index}" / "results").iterdir())
        assert learners == sorted(shard["learners"])
        assert all(shard_of(learner, 3) == index for learner in learners)
        graded_by_shard += learners
    assert sorted(graded_by_shard) == sorted([*LEARNERS, "heidi"])


@pytest.mark.slow
def test_merged_shards_give_the_gradebook_of_one_run_byte_for_byte(graded, capsys):
    shards = [str(graded / f"shard{index}") for index in (3, 1, 2)]
    assert cli.main(["gradebook", "merge", "--out", str(graded / "merged"), *shards]) == 0
    assert "merged 8 result(s) from 3 folder(s)" in capsys.readouterr().out
    everything, merged = graded / "all", graded / "merged"
    assert (merged / "gradebook.csv").read_bytes() == (everything / "gradebook.csv").read_bytes()
    feedback = sorted(path.name for path in (everything / "feedback").iterdir())
    assert feedback == sorted(path.name for path in (merged / "feedback").iterdir())
    for name in feedback:
        assert (merged / "feedback" / name).read_bytes() == (
            everything / "feedback" / name
        ).read_bytes()
    assert "frank" in (merged / "summary.md").read_text()  # flagged: the summary lists it


@pytest.mark.slow
def test_merging_refuses_missing_duplicate_unfinished_or_mismatched_shards(graded, tmp_path):
    shards = [graded / f"shard{index}" for index in (1, 2, 3)]
    with pytest.raises(ValueError, match=r"share\(s\) 2 of 3 are missing"):
        merge_gradebooks([shards[0], shards[2]], tmp_path / "a")
    with pytest.raises(ValueError, match="appears twice"):
        merge_gradebooks([shards[0], shards[0], shards[1], shards[2]], tmp_path / "b")
    unfinished = tmp_path / "unfinished"
    shutil.copytree(shards[1], unfinished)
    removed = sorted((unfinished / "results").glob("*.json"))[0]
    removed.unlink()
    with pytest.raises(ValueError, match=f"has no result for {removed.stem}"):
        merge_gradebooks([shards[0], unfinished, shards[2]], tmp_path / "c")
    other = tmp_path / "other"
    shutil.copytree(shards[1], other)
    for path in (other / "results").glob("*.json"):
        record = json.loads(path.read_text())
        record["grading"]["fingerprint"] = "graded with other settings"
        path.write_text(json.dumps(record))
    with pytest.raises(ValueError, match="different sources or settings"):
        merge_gradebooks([shards[0], other, shards[2]], tmp_path / "d")


def test_merging_nothing_is_a_clear_error(tmp_path, capsys):
    assert cli.main(["gradebook", "merge", "--out", str(tmp_path / "o"), str(tmp_path / "x")]) == 2
    assert "no such gradebook folder" in capsys.readouterr().err
    with pytest.raises(ValueError, match="no results"):
        (tmp_path / "empty").mkdir()
        merge_gradebooks([Path(tmp_path / "empty")], tmp_path / "o")
