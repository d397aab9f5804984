"""Message routing, and the names `lamina.utils` exports."""

import logging

import lamina
from lamina import saving, utils
from lamina.utils import io_utils


def test_print_msg_to_stdout_or_logger(capsys, caplog):
    io_utils.print_msg("to stdout")
    assert capsys.readouterr().out == "to stdout\n"
    io_utils.disable_interactive_logging()
    try:
        assert not io_utils.is_interactive_logging_enabled()
        with caplog.at_level(logging.INFO, logger="lamina"):
            io_utils.print_msg("to the logger")
        assert capsys.readouterr().out == ""
        assert caplog.messages == ["to the logger"]
    finally:
        io_utils.enable_interactive_logging()
    assert io_utils.is_interactive_logging_enabled()


def test_print_msg_survives_narrow_encodings(monkeypatch, capsys):
    class AsciiOut:
        encoding = "ascii"
        written = []

        def write(self, text):
            text.encode("ascii")  # raises UnicodeEncodeError on the bar glyph
            self.written.append(text)

        def flush(self):
            pass

    monkeypatch.setattr("sys.stdout", AsciiOut())
    io_utils.print_msg("3/3 \u2501\u2501 done")
    assert AsciiOut.written == ["3/3 == done\n"]


def test_utils_exports_match_keras(keras3):
    ours = set(utils.__all__)
    for name in ("Progbar", "PyDataset", "Sequence", "to_categorical", "normalize", "set_random_seed",
                 "get_file", "plot_model", "model_to_dot", "pack_x_y_sample_weight",
                 "unpack_x_y_sample_weight", "serialize_keras_object", "deserialize_keras_object",
                 "register_keras_serializable", "custom_object_scope", "CustomObjectScope",
                 "get_registered_name", "get_registered_object"):
        assert name in ours and hasattr(keras3.utils, name), name
    assert utils.serialize_keras_object is saving.serialize_keras_object
    assert utils.custom_object_scope is saving.custom_object_scope
    assert lamina.utils is utils
