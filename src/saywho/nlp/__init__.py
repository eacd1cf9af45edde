"""Everything that reads a spaCy Doc: the model, quotes, the cue lexicon, the rules, the
trained tagger, speech acts, statements, speakers and dates."""
