import pytest

from saywho.store.names import descriptor_words, display_name, is_acronym_of, is_proper_name, key_for


@pytest.mark.parametrize(
    ("name", "kind", "expected"),
    [
        ("Stephen Townsend", "person", "person:stephen townsend"),
        ("Gen. Stephen Townsend", "person", "person:stephen townsend"),
        ("Lt. Gen. Stephen J. Townsend", "person", "person:stephen townsend"),
        ("Townsend", "person", "surname:townsend"),
        ("Mr Trump's", "person", "surname:trump"),
        ("President Donald Trump", "person", "person:donald trump"),
        ("Donald Trump Jr.", "person", "person:donald trump jr"),
        ("Secretary of State John Kerry", "person", "person:john kerry"),
        ("Hillary Rodham Clinton", "person", "person:hillary clinton"),
        ("Bill Clinton", "person", "person:bill clinton"),
        ("José Núñez", "person", "person:jose nunez"),
        ("Bashar al-Assad", "person", "person:bashar al-assad"),
        ("President", "person", None),
        ("Billionaire Donald Trump", "person", "person:donald trump"),
        ("Tory Liam Fox", "person", "person:liam fox"),
        ("Baroness Kennedy", "person", "surname:kennedy"),
        ("Neither Cruz", "person", "surname:cruz"),
        ("ex - Yukos", "person", "surname:yukos"),
        ("the FBI", "organization", "org:fbi"),
        ("The White House", "organization", "org:white house"),
        ("Democrats", "group", "group:democrats"),
        ("officials", "group", None),
        ("They", "group", None),
        ("Analysts", "group", None),
        ("The company", "organization", None),
        ("it", "organization", None),
        ("US Government", "organization", "org:us government"),
        ("a spokesman", "unnamed", None),
    ],
)
def test_key_for_drops_titles_and_middle_names_but_keeps_first_names(name, kind, expected):
    key = key_for(name, kind)
    assert (key.key if key else None) == expected


@pytest.mark.parametrize(
    ("name", "surname"),
    [("Bashar al-Assad", "assad"), ("Assad", "assad"), ("Gen. Stephen Townsend", "townsend"), ("Donald Trump Jr.", "trump")],
)
def test_surname_groups_persons_for_bare_surname_resolution(name, surname):
    assert key_for(name, "person").surname == surname


@pytest.mark.parametrize(
    ("name", "kind", "expected"),
    [
        ("Gen. Stephen Townsend", "person", "Stephen Townsend"),
        ("Secretary of State John Kerry", "person", "John Kerry"),
        ("President", "person", "President"),
        ("the FBI", "organization", "the FBI"),
    ],
)
def test_display_name_drops_leading_titles_of_persons_only(name, kind, expected):
    assert display_name(name, kind) == expected


@pytest.mark.parametrize(("name", "expected"), [("Democrats", True), ("the Republicans", True), ("officials", False), ("", False)])
def test_is_proper_name(name, expected):
    assert is_proper_name(name) is expected


def test_descriptor_words_ignore_function_words():
    assert descriptor_words(["the former Secretary of State"]) == {"secretary", "state"}


@pytest.mark.parametrize(
    ("short", "name", "expected"),
    [("FBI", "Federal Bureau of Investigation", True), ("BBC", "British Broadcasting Corporation", True),
     ("BT", "TimeWarner", False), ("It", "Information Technology", False), ("FBI", "the FBI", False)],
)
def test_is_acronym_of(short, name, expected):
    assert is_acronym_of(short, name) is expected
