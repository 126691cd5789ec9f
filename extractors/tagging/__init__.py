"""Tagging countries, places, named programs and organizations in passages with spaCy (en, es, pt).

from extractors.tagging import Tagger
tags = Tagger().tag(["Bajo el Plan Colombia, los EE.UU. ..."], ["es"])[0]
tags.countries  -> ["CO", "US"];  tags.programs -> [{"name": "Plan Colombia", "text": "Plan Colombia"}]
"""

from extractors.tagging.pipeline import build_nlp, statistical_available
from extractors.tagging.tagger import Entity, Tagger, Tags

__all__ = ["Entity", "Tags", "Tagger", "build_nlp", "statistical_available"]
