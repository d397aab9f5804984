"""Pretrained files for the applications: download once into `~/.lamina/models`, hash checked.

Offline, `fetch` fails with a message naming the URL and the exact place to copy the file to;
a copy placed there (with the right hash) is used without any network access.

>>> from lamina.applications.weights import check_weights_argument
>>> check_weights_argument("nonexistent_file.h5")
Traceback (most recent call last):
...
ValueError: The `weights` argument must be None (random initialization), 'imagenet' (download the pretrained ImageNet weights) or the path to an existing weights file. Received: weights='nonexistent_file.h5'
"""

import os

from lamina.utils import file_utils


def fetch(fname, origin, file_hash=None, what="a pretrained file"):
    """Path of `fname` in the `models` cache, downloading it from `origin` the first time."""
    try:
        return file_utils.get_file(fname, origin, cache_subdir="models", file_hash=file_hash)
    except RuntimeError as e:
        target = os.path.join(file_utils.lamina_home(), "models", fname)
        check = f" (its md5/sha256 hash must be {file_hash})" if file_hash else ""
        raise RuntimeError(
            f"Could not download {what} ({fname}) from {origin}: no network access, or the "
            f"server is unreachable. To use it offline, download that URL on a machine with "
            f"network access and copy the file to {target}{check}; lamina will use that copy. "
            f"Details: {e}"
        ) from e


def check_weights_argument(weights):
    if weights is None or weights == "imagenet":
        return
    if isinstance(weights, (str, os.PathLike)) and os.path.exists(weights):
        return
    raise ValueError(
        "The `weights` argument must be None (random initialization), 'imagenet' (download the "
        "pretrained ImageNet weights) or the path to an existing weights file. "
        f"Received: weights={weights!r}"
    )


def check_imagenet_classes(weights, include_top, classes):
    if weights == "imagenet" and include_top and classes != 1000:
        raise ValueError(
            "With weights='imagenet' and include_top=True, `classes` must be 1000 (the ImageNet "
            f"classifier). Received: classes={classes}. Use include_top=False to put your own "
            "classifier on top, or weights=None."
        )


def image_input(input_tensor, input_shape):
    """`(tensor to build on, model inputs)` for `input_tensor`/`input_shape`, as in Keras."""
    from lamina.backend.keras_tensor import is_keras_tensor
    from lamina.layers import Input

    if input_tensor is None:
        x = Input(shape=input_shape)
        return x, x
    if not is_keras_tensor(input_tensor):
        x = Input(tensor=input_tensor, shape=input_shape)
        return x, x
    return input_tensor, source_inputs(input_tensor)


def source_inputs(tensor):
    """The `keras.Input` tensors that `tensor` was computed from (one tensor if there is one)."""
    found, seen, stack = [], set(), [tensor]
    while stack:
        t = stack.pop()
        history = t._keras_history
        if history is None:
            raise ValueError(
                f"`input_tensor` {t.name} was not created by keras.Input or a layer called on one."
            )
        node = history.operation._inbound_nodes[history.node_index]
        if node.is_input:
            if id(t) not in seen:
                seen.add(id(t))
                found.append(t)
            continue
        stack.extend(reversed(node.input_tensors))
    return found[0] if len(found) == 1 else found


def load_weights(model, weights, imagenet_file):
    """Loads `weights` into `model`: 'imagenet' fetches `imagenet_file()` -> (fname, url, hash)."""
    if weights == "imagenet":
        fname, origin, file_hash = imagenet_file()
        path = fetch(fname, origin, file_hash, what=f"the ImageNet weights of {model.name}")
        model.load_weights(path)
    elif weights is not None:
        model.load_weights(weights)
    return model
