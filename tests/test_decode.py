"""UTF-8 validation a chunk at a time agrees with Python's codec, cut anywhere."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from transforms.container import decode


@given(st.binary(max_size=40) | st.text(max_size=20).map(str.encode))
def test_chunked_validation_is_the_codecs(data: bytes) -> None:
    try:
        data.decode("utf-8")
        expected = True
    except UnicodeDecodeError:
        expected = False
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(decode, "_CHUNK", 5)  # every multibyte character meets a chunk's end
        assert decode._is_utf8(data) == expected
