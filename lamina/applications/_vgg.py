"""The VGG family body: blocks of 3x3 'same' convolutions, each block closed by 2x2 max pooling."""

from lamina import config, layers
from lamina.applications import imagenet_utils
from lamina.applications import weights as weights_lib
from lamina.models.functional import Functional


def build_vgg(convs_per_block, name, weight_files, include_top, weights, input_tensor,
              input_shape, pooling, classes, classifier_activation):
    """`convs_per_block`: conv count of each of the 5 blocks; `weight_files[include_top]` is
    `(fname, url, md5)` of the published ImageNet file."""
    weights_lib.check_weights_argument(weights)
    weights_lib.check_imagenet_classes(weights, include_top, classes)
    input_shape = imagenet_utils.obtain_input_shape(
        input_shape, default_size=224, min_size=32, data_format=config.image_data_format(),
        require_flatten=include_top, weights=weights,
    )
    x, inputs = weights_lib.image_input(input_tensor, input_shape)
    for block, (filters, convs) in enumerate(zip((64, 128, 256, 512, 512), convs_per_block), 1):
        for i in range(1, convs + 1):
            x = layers.Conv2D(filters, (3, 3), activation="relu", padding="same",
                              name=f"block{block}_conv{i}")(x)
        x = layers.MaxPooling2D((2, 2), strides=(2, 2), name=f"block{block}_pool")(x)
    if include_top:
        x = layers.Flatten(name="flatten")(x)
        x = layers.Dense(4096, activation="relu", name="fc1")(x)
        x = layers.Dense(4096, activation="relu", name="fc2")(x)
        imagenet_utils.validate_activation(classifier_activation, weights)
        x = layers.Dense(classes, activation=classifier_activation, name="predictions")(x)
    elif pooling == "avg":
        x = layers.GlobalAveragePooling2D()(x)
    elif pooling == "max":
        x = layers.GlobalMaxPooling2D()(x)
    model = Functional(inputs, x, name=name)
    return weights_lib.load_weights(model, weights, lambda: weight_files[bool(include_top)])
