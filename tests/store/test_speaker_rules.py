from collections import Counter

import pytest

from saywho.store.identities import BareMention, Candidate, choose_person


def candidate(speaker_id, years, descriptors=()):
    return Candidate(speaker_id, Counter(years), set(descriptors))


HILLARY = candidate(1, {"2016": 10}, {"democratic", "nominee"})
BILL = candidate(2, {"2016": 6, "2004": 9}, {"president"})
DONALD = candidate(3, {"2016": 40}, {"republican", "nominee"})
IVANKA = candidate(4, {"2016": 3}, {"daughter"})


@pytest.mark.parametrize(
    ("bare", "candidates", "expected"),
    [
        # Nobody with the surname is known by full name: the surname stays its own speaker.
        (BareMention(1, "2016", set()), [], None),
        # The only known person with the surname.
        (BareMention(1, "2016", set()), [HILLARY], 1),
        # Two often-named people, no descriptor: ambiguous.
        (BareMention(1, "2016", set()), [HILLARY, BILL], None),
        # Descriptors point at one of them.
        (BareMention(1, "2016", {"democratic"}), [HILLARY, BILL], 1),
        (BareMention(1, "2016", {"president"}), [HILLARY, BILL], 2),
        # Descriptors shared by both do not decide; dominance (40 of 50 in 2016) does.
        (BareMention(1, "2016", {"nominee"}), [HILLARY, DONALD], 3),
        # One person dominates the surname in that period.
        (BareMention(1, "2016", set()), [DONALD, IVANKA], 3),
        # In 2004 only Bill is named: the period decides.
        (BareMention(1, "2004", set()), [HILLARY, BILL], 2),
        # No date: dominance over all years (Bill 15 of 25 = 0.6) is not enough.
        (BareMention(1, None, set()), [HILLARY, BILL], None),
    ],
)
def test_choose_person_merges_a_bare_surname_only_when_unambiguous(bare, candidates, expected):
    assert choose_person(bare, candidates) == expected
