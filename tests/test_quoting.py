"""Code quoted in messages is cut where a reader sees the cut, never inside an operator."""
from shapelint.quoting import WIDTH, abbreviated


def test_short_code_is_quoted_whole():
    assert abbreviated("W @ x + b") == "W @ x + b"
    exactly = "x" * WIDTH
    assert abbreviated(exactly) == exactly


def test_long_code_is_cut_at_a_space_and_marked():
    text = "dists[i, j] = np.sum(np.abs(points[i] - points[j]) ** p) ** (1 / p) + offset"
    quoted = abbreviated(text)
    assert len(quoted) <= WIDTH and quoted.endswith(" ...")
    assert text.startswith(quoted[:-len(" ...")])
    assert not quoted.endswith("* ...") or quoted.endswith("** ...")  # an operator is kept whole
    assert "(1 / p)" not in quoted


def test_without_a_space_near_the_end_the_cut_is_at_the_width():
    text = "a" * 20 + " " + "b" * 60  # its one space is far back: cut at the width instead
    quoted = abbreviated(text)
    assert quoted == "a" * 20 + " " + "b" * (WIDTH - 4 - 21) + " ..."
    assert abbreviated("a" * 40 + " " + "b" * 40) == "a" * 40 + " ..."  # a space near the end: cut there
