import pytest

from analysis.normalise import fold, normalise


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Russia\u2019s", "Russia's"),
        ("\u201cplug-in\u201d", '"plug-in"'),
        ("\u2018Chinese wind\u2019", "'Chinese wind'"),
        ("Russia\u2013in March", "Russia\u2014in March"),
        ("Sino\u2011Russian", "Sino-Russian"),
        ("a\u00a0b\u2009c", "a b c"),
        ("zero\u200bwidth", "zero width"),
        ("plain ASCII stays", "plain ASCII stays"),
    ],
)
def test_normalise_maps_characters(text, expected):
    assert normalise(text) == expected


def test_normalise_preserves_length_and_offsets():
    text = "\u201cIt\u2019s a \u2018test\u2019\u2014in\u00a0fact\u2026\u201d"
    out = normalise(text)
    assert len(out) == len(text)
    assert out.index("test") == text.index("test")


def test_fold_lowers_after_normalising():
    assert fold("RUSSIA\u2019S") == "russia's"
