"""What the grading kernel's launcher changes in the kernel it starts (kernel_launcher.py).

The end-to-end case, a learner's print loop graded among honest submissions, is in
test_hostile.py; these tests pin the two changes themselves.
"""

import io
import sys
import types

from course_lib.grading import kernel_launcher


def test_a_cells_printed_output_is_capped_with_one_notice_and_the_next_cell_starts_afresh(
    monkeypatch,
):
    from ipykernel import iostream

    sent = []
    monkeypatch.setattr(iostream.OutStream, "write", lambda self, text: sent.append(text))
    kernel_launcher._cap_output_per_cell(10)
    first, second = (types.SimpleNamespace(parent_header={"msg_id": cell}) for cell in "ab")
    returned = [iostream.OutStream.write(first, "abcd") for _ in range(5)]

    assert sent[:2] == ["abcd", "abcd"]
    assert len(sent) == 3 and "drops this cell's output beyond 10 characters" in sent[2]
    assert returned[2:] == [4, 4, 4]  # a dropped write still reports its length, as print expects
    iostream.OutStream.write(second, "efgh")
    assert sent[3] == "efgh"


def test_ipython_keeps_no_record_of_a_cells_printed_output(monkeypatch):
    from IPython.core.interactiveshell import InteractiveShell

    class Stream(io.StringIO):
        pass  # unlike io.StringIO, takes the write wrapper IPython sets on it

    stream = Stream()
    monkeypatch.setattr(sys, "stdout", stream)
    monkeypatch.setattr(InteractiveShell, "_tee", InteractiveShell._tee)
    shell = types.SimpleNamespace(execution_count=1)
    write = stream.write
    with InteractiveShell._tee(shell, channel="stdout"):
        assert stream.write != write  # IPython 9 wraps it to record every string of a cell
    kernel_launcher._keep_no_record_of_printed_output()
    with InteractiveShell._tee(shell, channel="stdout"):
        assert stream.write == write  # the grading kernel's cells record nothing
