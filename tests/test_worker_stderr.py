"""A dying worker's output gives its input's reason one line: the one that says what happened."""

import pytest

from flows.load.worker_stderr import MESSAGE_CHARACTERS, first_message

ALLOCATION = "memory allocation of 343597383680 bytes failed"


@pytest.mark.parametrize(
    ("output", "message"),
    [
        (f"{ALLOCATION}\nnote: run with `RUST_BACKTRACE=1` environment variable\n", ALLOCATION),
        (
            f"{ALLOCATION}\nstack backtrace:\n   0: std::alloc::rust_oom\n"
            "note: Some details are omitted, run with `RUST_BACKTRACE=full`\n",
            ALLOCATION,
        ),
        (
            "thread '<unnamed>' panicked at src/xls.rs:12:5:\nindex out of bounds\n"
            "stack backtrace:\n   0: rust_begin_unwind\n",
            "thread '<unnamed>' panicked at src/xls.rs:12:5: index out of bounds",
        ),
        (
            "/x/parse.py:3: UserWarning: odd header\n  warnings.warn('odd header')\n"
            f"\n{ALLOCATION}\n",
            ALLOCATION,
        ),
        (
            'Traceback (most recent call last):\n  File "<string>", line 1, in <module>\n'
            "ModuleNotFoundError: No module named 'polars'\n",
            "ModuleNotFoundError: No module named 'polars'",
        ),
        (
            "Fatal Python error: Segmentation fault\n\n"
            "Current thread 0x1 (most recent call first):\n"
            '  File "x.py", line 1 in f\n',
            "Fatal Python error: Segmentation fault",
        ),
        ("\n  \nnote: run with `RUST_BACKTRACE=1`\n", None),
    ],
)
def test_the_message_is_the_line_that_says_what_happened(output: str, message: str | None) -> None:
    assert first_message(output) == message


def test_a_long_message_is_cut_to_one_line_of_a_reason() -> None:
    message = first_message("x" * 1000 + "\n")
    assert message == "x" * (MESSAGE_CHARACTERS - 1) + "…"
