from analysis import describe, tokenise


def test_sections_table_on_a_tiny_text(make_doc):
    doc = make_doc("A Title\n\nFirst part\n\nOne two three. Four five.\n\nSecond part\n\nSix seven.\n")
    table = describe.sections(doc)
    assert table["section"].tolist() == ["First part", "Second part"]
    assert table["paragraphs"].tolist() == [1, 1]
    assert table["sentences"].tolist() == [2, 1]
    # Words, counted by hand: "One two three" + "Four five" = 5; "Six seven" = 2.
    assert table["words"].tolist() == [5, 2]


def test_sections_add_up_on_the_seed(seed_doc):
    table = describe.sections(seed_doc)
    assert table["words"].sum() == tokenise.word_count(seed_doc)
    assert table["sentences"].sum() == len(tokenise.sentences(seed_doc))
    assert table["paragraphs"].sum() == len(seed_doc.text_paragraphs)


def test_sentence_lengths(make_doc):
    doc = make_doc("One two. Three four five!\n")
    assert describe.sentence_lengths(doc)["n_words"].tolist() == [2, 3]
