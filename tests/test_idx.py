import gzip

import numpy as np
import pytest

from nnexplain.data.idx import read_idx, write_idx
from nnexplain.data.mnist import EMBEDDED_DIR, load_mnist
from nnexplain.errors import DataError


@pytest.mark.parametrize("name", ["images.idx", "images.idx.gz"])
@pytest.mark.parametrize("dtype", [np.uint8, np.int16, np.int32, np.float32, np.float64])
def test_round_trip(tmp_path, name, dtype):
    array = (np.arange(2 * 3 * 4) - 5).reshape(2, 3, 4).astype(dtype)
    if dtype == np.uint8:
        array = np.arange(24, dtype=np.uint8).reshape(2, 3, 4)
    write_idx(tmp_path / name, array)
    back = read_idx(tmp_path / name, ndim=3)
    assert back.dtype == array.dtype and back.shape == (2, 3, 4)
    np.testing.assert_array_equal(back, array)


def test_gzip_is_detected_from_bytes_not_name(tmp_path):
    array = np.arange(10, dtype=np.uint8)
    write_idx(tmp_path / "labels-no-suffix", array, compress=True)
    np.testing.assert_array_equal(read_idx(tmp_path / "labels-no-suffix", ndim=1), array)


def test_embedded_mnist_matches_its_readme():
    images = read_idx(EMBEDDED_DIR / "t10k-images-idx3-ubyte.gz", ndim=3)
    labels = read_idx(EMBEDDED_DIR / "t10k-labels-idx1-ubyte.gz", ndim=1)
    assert images.shape == (10000, 28, 28) and images.dtype == np.uint8
    assert np.bincount(labels).tolist() == [980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009]


def test_embedded_split_is_fixed_and_disjoint():
    first, second = load_mnist(), load_mnist()
    assert (len(first.x_train), len(first.x_val)) == (8000, 2000)
    np.testing.assert_array_equal(first.y_val, second.y_val)
    train_rows = {row.tobytes() for row in first.x_train}
    assert sum(row.tobytes() in train_rows for row in first.x_val) < 5  # MNIST has a few duplicate digits
    assert first.x_train.dtype == np.float32 and 0 <= first.x_train.min() and first.x_train.max() <= 1


def test_wrong_magic_number(tmp_path):
    path = tmp_path / "bad"
    path.write_bytes(b"\x12\x34\x08\x01" + b"\x00" * 8)
    with pytest.raises(DataError, match="bad magic number 12340801"):
        read_idx(path)


def test_labels_file_given_where_images_expected(tmp_path):
    write_idx(tmp_path / "labels", np.zeros(5, np.uint8))
    with pytest.raises(DataError, match=r"magic number 2049 \(1-D\); expected 2051 \(3-D\)"):
        read_idx(tmp_path / "labels", ndim=3)


def test_truncated_data(tmp_path):
    write_idx(tmp_path / "images", np.zeros((4, 28, 28), np.uint8))
    data = (tmp_path / "images").read_bytes()
    (tmp_path / "images").write_bytes(data[:-100])
    with pytest.raises(DataError, match="truncated"):
        read_idx(tmp_path / "images", ndim=3)


def test_truncated_header(tmp_path):
    (tmp_path / "images").write_bytes(b"\x00\x00\x08\x03\x00\x00")
    with pytest.raises(DataError, match="truncated inside its header"):
        read_idx(tmp_path / "images", ndim=3)


def test_truncated_gzip(tmp_path):
    payload = gzip.compress(b"\x00\x00\x08\x01\x00\x00\x00\x03abc")
    (tmp_path / "labels.gz").write_bytes(payload[:-6])
    with pytest.raises(DataError, match="truncated or corrupt gzip"):
        read_idx(tmp_path / "labels.gz")


def test_empty_and_missing_files(tmp_path):
    (tmp_path / "empty").write_bytes(b"")
    with pytest.raises(DataError, match="not an IDX file"):
        read_idx(tmp_path / "empty")
    with pytest.raises(DataError, match="does not exist"):
        read_idx(tmp_path / "absent")
