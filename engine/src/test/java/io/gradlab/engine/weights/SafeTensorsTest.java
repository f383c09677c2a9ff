package io.gradlab.engine.weights;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gradlab.api.GradlabException;
import io.gradlab.api.tensor.DType;
import io.gradlab.api.tensor.Tensor;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class SafeTensorsTest {
    /** A file as the format describes it: 8-byte little-endian header size, the JSON header, the raw data. */
    static byte[] file(String header, byte[] data) {
        byte[] json = header.getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(8 + json.length + data.length).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(json.length).put(json).put(data);
        return b.array();
    }

    static byte[] floats(float... values) {
        ByteBuffer b = ByteBuffer.allocate(4 * values.length).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : values) {
            b.putFloat(v);
        }
        return b.array();
    }

    @Test
    void writtenFilesFollowTheFormat() {
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        tensors.put("layers.0.weight", Tensor.wrap(new float[] {1, 2, 3, 4, 5, 6}, 2, 3));
        tensors.put("layers.0.bias", Tensor.wrap(new double[] {-0.5, 0.25}, 2));
        byte[] bytes = SafeTensors.encode(Map.of("format", "pt"), tensors);

        ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        long n = b.getLong();
        assertThat(n % 8).isZero();
        String header = new String(bytes, 8, (int) n, StandardCharsets.UTF_8);
        assertThat(header.strip()).isEqualTo("{\"__metadata__\":{\"format\":\"pt\"},"
                + "\"layers.0.weight\":{\"dtype\":\"F32\",\"shape\":[2,3],\"data_offsets\":[0,24]},"
                + "\"layers.0.bias\":{\"dtype\":\"F64\",\"shape\":[2],\"data_offsets\":[24,40]}}");
        assertThat(bytes.length).isEqualTo(8 + n + 40);
        b.position(8 + (int) n);
        assertThat(b.getFloat()).isEqualTo(1f);
        b.position(8 + (int) n + 24);
        assertThat(b.getDouble()).isEqualTo(-0.5);
    }

    /** Counts (batch norm's num_batches_tracked) are written as I64 scalars, as PyTorch keeps them, and read back as numbers. */
    @Test
    void countsAreInt64Scalars() {
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        tensors.put("a", Tensor.wrap(new float[] {1.5f, 2}, 2));
        Tensor count = Tensor.zeros(DType.F64, 1);
        count.set(0, 0x1p40 + 3);
        tensors.put("n", count);
        SafeTensors.Contents c = SafeTensors.decode(SafeTensors.encode(Map.of(), tensors, java.util.Set.of("n")), "mem");
        assertThat(c.entries().get("n").dtype()).isEqualTo("I64");
        assertThat(c.entries().get("n").shape()).isEmpty();
        assertThat(c.entries().get("n").end() - c.entries().get("n").begin()).isEqualTo(8);
        assertThat(c.count("n")).isEqualTo((1L << 40) + 3);
        assertThat(c.tensor("a").floats()).containsExactly(1.5f, 2f);
        // a one-element float holding a whole number is a count too; a fraction, a negative value or two elements are not
        SafeTensors.Contents plain = SafeTensors.decode(SafeTensors.encode(Map.of(), Map.of("f", Tensor.wrap(new double[] {7}, 1),
                "h", Tensor.wrap(new double[] {0.5}, 1), "m", Tensor.wrap(new double[] {-1}, 1))), "mem");
        assertThat(plain.count("f")).isEqualTo(7);
        assertThatThrownBy(() -> plain.count("h")).isInstanceOf(GradlabException.class).hasMessageContaining("holds 0.5, not a count");
        assertThatThrownBy(() -> plain.count("m")).isInstanceOf(GradlabException.class).hasMessageContaining("not a count");
        assertThatThrownBy(() -> c.count("a")).isInstanceOf(GradlabException.class).hasMessageContaining("a count is one number");
        Tensor half = Tensor.wrap(new double[] {2.5}, 1);
        assertThatThrownBy(() -> SafeTensors.encode(Map.of(), Map.of("n", half), java.util.Set.of("n")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("written as a count but holds 2.5");
    }

    @Test
    void filesRoundTripBitForBit(@TempDir Path dir) {
        float[] w = {Float.MIN_VALUE, -0f, 1e-30f, 3.4e38f, 0.1f, Float.NaN};
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        tensors.put("w", Tensor.wrap(w, 3, 2));
        tensors.put("v", Tensor.wrap(new double[] {Math.PI}, 1));
        Path file = dir.resolve("x.safetensors");
        SafeTensors.write(file, Map.of("epoch", "3"), tensors);

        SafeTensors.Contents c = SafeTensors.read(file);
        assertThat(c.metadata()).containsExactly(Map.entry("epoch", "3"));
        assertThat(c.entries().keySet()).containsExactly("w", "v");
        Tensor back = c.tensor("w");
        assertThat(back.dtype()).isEqualTo(DType.F32);
        assertThat(back.shape()).containsExactly(3, 2);
        for (int i = 0; i < w.length; i++) {
            assertThat(Float.floatToRawIntBits(back.floats()[i])).isEqualTo(Float.floatToRawIntBits(w[i]));
        }
        assertThat(c.tensor("v").doubles()).containsExactly(Math.PI);
        assertThat(dir.toFile().list()).containsExactly("x.safetensors");
    }

    @Test
    void filesWrittenByOtherToolsAreRead() {
        // the reference writer pads the header with spaces and may order the data differently from the header
        String header = "{\"b\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[8,12]},"
                + "\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},\"c\":{\"dtype\":\"I64\",\"shape\":[],\"data_offsets\":[12,20]}}   ";
        byte[] data = ByteBuffer.allocate(20).order(ByteOrder.LITTLE_ENDIAN).putFloat(1).putFloat(2).putFloat(3).putLong(7).array();
        SafeTensors.Contents c = SafeTensors.decode(file(header, data), "torch.safetensors");
        assertThat(c.tensor("a").floats()).containsExactly(1f, 2f);
        assertThat(c.tensor("b").floats()).containsExactly(3f);
        assertThat(c.entries().get("c").shape()).isEmpty();
        assertThatThrownBy(() -> c.tensor("c")).isInstanceOf(GradlabException.class)
                .hasMessage("torch.safetensors: tensor 'c' has dtype I64; gradlab reads F32 or F64 (in PyTorch convert with tensor.float() before saving)");
    }

    static Stream<Arguments> badFiles() {
        String ok = "{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}";
        byte[] two = floats(1, 2);
        byte[] hugeLength = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putLong(Long.MAX_VALUE).array();
        byte[] validFile = file(ok, two);
        return Stream.of(
                Arguments.of("empty file", new byte[0], "it has 0 bytes, fewer than the 8-byte header length"),
                Arguments.of("header size beyond the file", hugeLength, "does not fit the file of 16 bytes"),
                Arguments.of("truncated header", Arrays.copyOf(validFile, 20), "does not fit the file of 20 bytes"),
                Arguments.of("truncated data", Arrays.copyOf(validFile, validFile.length - 3), "(the file is truncated)"),
                Arguments.of("trailing bytes", file(ok, floats(1, 2, 3)), "(trailing bytes)"),
                Arguments.of("not JSON", file("{\"a\": [", two), "the header is not valid JSON"),
                Arguments.of("not an object", file("[1, 2, 3]", two), "the header is not a JSON object"),
                Arguments.of("duplicate names", file("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},"
                        + "\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}", two), "Duplicate field 'a'"),
                Arguments.of("unknown dtype", file(ok.replace("F32", "F33"), two), "tensor 'a' has dtype \"F33\"; known dtypes: BF16"),
                Arguments.of("negative dimension", file(ok.replace("[2]", "[-2]"), two), "has the dimension -2 in its shape"),
                Arguments.of("fractional dimension", file(ok.replace("[2]", "[2.5]"), two), "has the dimension 2.5 in its shape"),
                Arguments.of("shape larger than the data", file(ok.replace("[2]", "[3]"), two), "(12 bytes) but data_offsets [0, 8] span 8 bytes"),
                Arguments.of("absurd shape", file(ok.replace("[2]", "[65536, 65536]"), two), "too large for gradlab"),
                Arguments.of("offsets reversed", file(ok.replace("[0,8]", "[8,0]"), two), "they must satisfy 0 <= begin <= end"),
                Arguments.of("offsets past the data", file(ok.replace("[0,8]", "[8,16]"), two), "starts at byte 8 of the data but the previous tensor ends at 0"),
                Arguments.of("overlapping tensors", file("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
                        + "\"b\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}", two), "must not overlap or leave holes"),
                Arguments.of("missing offsets", file("{\"a\":{\"dtype\":\"F32\",\"shape\":[2]}}", two), "needs data_offsets: [begin, end]"),
                Arguments.of("unknown key", file("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8],\"strides\":[1]}}", two),
                        "has the unknown key 'strides'"),
                Arguments.of("metadata not text", file("{\"__metadata__\":{\"epoch\":3}," + ok.substring(1), two), "__metadata__ value 'epoch' must be text"),
                Arguments.of("tensor not an object", file("{\"a\":5}", new byte[0]), "tensor 'a' must be an object"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badFiles")
    void badFilesAreRejectedWithOneClearMessage(String what, byte[] bytes, String expected) {
        assertThatThrownBy(() -> SafeTensors.decode(bytes, "w.safetensors"))
                .isInstanceOf(GradlabException.class)
                .satisfies(e -> assertThat(((GradlabException) e).category()).isEqualTo(GradlabException.Category.DATA))
                .hasMessageStartingWith("w.safetensors: not a valid safetensors file: ")
                .hasMessageContaining(expected)
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
    }

    @Test
    void aMissingFileOrAFolderIsNamed(@TempDir Path dir) throws Exception {
        assertThatThrownBy(() -> SafeTensors.read(dir.resolve("nope.safetensors")))
                .isInstanceOf(GradlabException.class).hasMessageContaining("nope.safetensors does not exist");
        Files.createDirectory(dir.resolve("d.safetensors"));
        assertThatThrownBy(() -> SafeTensors.read(dir.resolve("d.safetensors")))
                .isInstanceOf(GradlabException.class).hasMessageContaining("is a folder");
    }
}
