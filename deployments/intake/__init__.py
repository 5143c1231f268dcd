"""Article intake: turning a news report into proposed counts and statements.

``articles`` reads an article file and refuses what is not one;
``sentences`` splits it, with offsets; ``gazetteer`` names the nations and
alliances an article may speak of (and creates a proposal's nation the
tracker lacks when it is accepted); ``figures`` reads troop numbers and
``dates`` when something was said; ``extractor`` turns sentences into
proposals with the words of ``lexicon.json``; ``intake`` saves an article
with its proposals; ``scoring`` measures the extractor against recorded
facts.
"""
