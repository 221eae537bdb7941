"""schemathesis' hooks for make fuzz (SCHEMATHESIS_HOOKS): about half of the ids generated for a
path are replaced by ids of records the role can see (FUZZ_IDS: a JSON file of {collection path:
[ids]}, read from the API's lists before the run), so that the fuzzer gets past the 404 into the
actions and edits of real records (an agenda item's texts, an application's steps …)."""

import json
import os

import schemathesis
from hypothesis import strategies as st

KNOWN = {}
if os.environ.get("FUZZ_IDS"):
    with open(os.environ["FUZZ_IDS"], encoding="utf-8") as f:
        KNOWN = json.load(f)


@schemathesis.hook
def flatmap_path_parameters(ctx, path_parameters):
    operation = getattr(ctx, "operation", None)
    known = KNOWN.get(operation.path.split("{", 1)[0]) if operation is not None else None
    if not known or not isinstance(path_parameters, dict) or "id" not in path_parameters:
        return st.just(path_parameters)
    return st.one_of(st.just(path_parameters),
                     st.sampled_from(known).map(lambda pk: {**path_parameters, "id": pk}))
