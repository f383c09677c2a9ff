package io.gradlab.engine.weights;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gradlab.api.GradlabException;
import io.gradlab.api.GradlabException.Category;
import io.gradlab.api.tensor.DType;
import io.gradlab.api.tensor.Tensor;
import io.gradlab.engine.run.RunFolder;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import io.gradlab.engine.io.BoundedFiles;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The safetensors format (Hugging Face): an unsigned 64-bit little-endian header length {@code N},
 * {@code N} bytes of UTF-8 JSON, then the raw little-endian data. The header maps each tensor name
 * to {@code {"dtype": "F32", "shape": [..], "data_offsets": [begin, end]}} (offsets into the data
 * part) and may hold {@code "__metadata__"}, a map of text to text.
 *
 * <p>Writing pads the header with spaces to a multiple of 8 bytes and lays the tensors out in the
 * given order, without gaps. Reading checks everything a hostile file could get wrong: the header
 * length, the JSON, duplicate names, dtypes, shapes, offsets that leave the data part, overlap or
 * leave holes, and sizes that do not match the shape.
 */
public final class SafeTensors {
    /** The largest header accepted (the reference implementation's limit). */
    public static final long MAX_HEADER_BYTES = 100_000_000L;
    /** The largest file read into memory. */
    public static final long MAX_FILE_BYTES = Integer.MAX_VALUE - 16L;
    static final String METADATA = "__metadata__";
    private static final ObjectMapper MAPPER = new ObjectMapper().enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
    private static final Map<String, Integer> DTYPE_BYTES = Map.ofEntries(
            Map.entry("BOOL", 1), Map.entry("U8", 1), Map.entry("I8", 1), Map.entry("F8_E4M3", 1), Map.entry("F8_E5M2", 1),
            Map.entry("I16", 2), Map.entry("U16", 2), Map.entry("F16", 2), Map.entry("BF16", 2),
            Map.entry("I32", 4), Map.entry("U32", 4), Map.entry("F32", 4),
            Map.entry("I64", 8), Map.entry("U64", 8), Map.entry("F64", 8));

    private SafeTensors() {}

    /** One tensor of a file as its header describes it. */
    public record Entry(String name, String dtype, int[] shape, long begin, long end) {
        public Entry {
            requireNonNull(name, "name is null");
            requireNonNull(dtype, "dtype is null");
            shape = shape.clone();
        }

        @Override
        public int[] shape() {
            return shape.clone();
        }

        /** {@code F32[128, 784]}. */
        public String describe() {
            return dtype + Arrays.toString(shape);
        }
    }

    /** A decoded file: its metadata and tensors, in the order of their data. */
    public static final class Contents {
        private final String source;
        private final Map<String, String> metadata;
        private final Map<String, Entry> entries;
        private final ByteBuffer data;

        private Contents(String source, Map<String, String> metadata, Map<String, Entry> entries, ByteBuffer data) {
            this.source = source;
            this.metadata = metadata;
            this.entries = entries;
            this.data = data;
        }

        /** The file's name in messages. */
        public String source() {
            return source;
        }

        public Map<String, String> metadata() {
            return metadata;
        }

        /** Every tensor's header entry, by name, in data order. */
        public Map<String, Entry> entries() {
            return entries;
        }

        public boolean has(String name) {
            return entries.containsKey(name);
        }

        /**
         * The tensor {@code name} as a new F32 or F64 tensor of its stored type.
         *
         * @throws GradlabException when there is no such tensor or its dtype is neither F32 nor F64
         */
        public Tensor tensor(String name) {
            Entry e = entries.get(name);
            if (e == null) {
                throw new GradlabException(Category.DATA, source + ": has no tensor '" + name + "'");
            }
            int[] shape = e.shape().length == 0 ? new int[] {1} : e.shape();
            ByteBuffer slice = data.duplicate().order(ByteOrder.LITTLE_ENDIAN);
            slice.position((int) e.begin()).limit((int) e.end());
            switch (e.dtype()) {
                case "F32" -> {
                    float[] values = new float[(int) ((e.end() - e.begin()) / 4)];
                    slice.slice().order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(values);
                    return Tensor.wrap(values, shape);
                }
                case "F64" -> {
                    double[] values = new double[(int) ((e.end() - e.begin()) / 8)];
                    slice.slice().order(ByteOrder.LITTLE_ENDIAN).asDoubleBuffer().get(values);
                    return Tensor.wrap(values, shape);
                }
                default -> throw new GradlabException(Category.DATA, source + ": tensor '" + name + "' has dtype " + e.dtype()
                        + "; gradlab reads F32 or F64 (in PyTorch convert with tensor.float() before saving)");
            }
        }

        /**
         * The whole number held by the one-element tensor {@code name} (shape {@code []} or {@code [1]}): an I64 or I32
         * (PyTorch's {@code num_batches_tracked} is an int64 scalar), or an F32/F64 that holds a whole number.
         *
         * @throws GradlabException when there is no such tensor, it has more than one element, another dtype, or a value that
         *                          is negative or not whole
         */
        public long count(String name) {
            Entry e = entries.get(name);
            if (e == null) {
                throw new GradlabException(Category.DATA, source + ": has no tensor '" + name + "'");
            }
            if (e.shape().length > 1 || e.shape().length == 1 && e.shape()[0] != 1) {
                throw new GradlabException(Category.DATA, source + ": tensor '" + name + "' is " + e.describe()
                        + " but a count is one number (shape [] or [1])");
            }
            ByteBuffer slice = data.duplicate().order(ByteOrder.LITTLE_ENDIAN);
            slice.position((int) e.begin()).limit((int) e.end());
            ByteBuffer value = slice.slice().order(ByteOrder.LITTLE_ENDIAN);
            double v = switch (e.dtype()) {
                case "I64" -> value.getLong();
                case "I32" -> value.getInt();
                case "F32" -> value.getFloat();
                case "F64" -> value.getDouble();
                default -> throw new GradlabException(Category.DATA, source + ": tensor '" + name + "' has dtype " + e.dtype()
                        + "; a count is read from I64, I32, F32 or F64");
            };
            if (!(v >= 0) || v != Math.rint(v) || v > MAX_COUNT) {
                throw new GradlabException(Category.DATA, source + ": tensor '" + name + "' holds " + v
                        + ", not a count (a whole number from 0 to 2^53)");
            }
            return (long) v;
        }
    }

    /** The largest count a tensor holds exactly: {@code 2^53}. */
    public static final double MAX_COUNT = 0x1p53;

    /** The file bytes of {@code tensors} (F32 or F64, row-major) with {@code metadata}. */
    public static byte[] encode(Map<String, String> metadata, Map<String, Tensor> tensors) {
        return encode(metadata, tensors, Set.of());
    }

    /**
     * The file bytes of {@code tensors} with {@code metadata}; the tensors named in {@code counts} (one element holding a
     * whole number, such as batch norm's {@code num_batches_tracked}) are written as I64 scalars (shape {@code []}), as
     * PyTorch keeps them, the others as F32 or F64 (row-major).
     */
    public static byte[] encode(Map<String, String> metadata, Map<String, Tensor> tensors, Set<String> counts) {
        requireNonNull(metadata, "metadata is null");
        requireNonNull(tensors, "tensors is null");
        requireNonNull(counts, "counts is null");
        ObjectNode header = JsonNodeFactory.instance.objectNode();
        if (!metadata.isEmpty()) {
            ObjectNode meta = header.putObject(METADATA);
            metadata.forEach(meta::put);
        }
        long offset = 0;
        for (Map.Entry<String, Tensor> e : tensors.entrySet()) {
            if (e.getKey().equals(METADATA) || e.getKey().isEmpty()) {
                throw new IllegalArgumentException("invalid tensor name '" + e.getKey() + "'");
            }
            Tensor t = e.getValue();
            boolean count = counts.contains(e.getKey());
            if (count) {
                count(e.getKey(), t);
            }
            long bytes = count ? 8 : (long) t.size() * (t.dtype() == DType.F32 ? 4 : 8);
            ObjectNode node = header.putObject(e.getKey());
            node.put("dtype", count ? "I64" : t.dtype() == DType.F32 ? "F32" : "F64");
            ArrayNode shape = node.putArray("shape");
            if (!count) {
                for (int d : t.shape()) {
                    shape.add(d);
                }
            }
            node.putArray("data_offsets").add(offset).add(offset + bytes);
            offset += bytes;
        }
        byte[] json;
        try {
            json = MAPPER.writeValueAsBytes(header);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot render a safetensors header: " + e.getMessage(), e);
        }
        int padded = (json.length + 7) / 8 * 8;
        long total = 8L + padded + offset;
        if (total > MAX_FILE_BYTES) {
            throw new GradlabException(Category.IO, "the tensors take " + total + " bytes, more than one file of at most "
                    + MAX_FILE_BYTES + " bytes holds");
        }
        ByteBuffer out = ByteBuffer.allocate((int) total).order(ByteOrder.LITTLE_ENDIAN);
        out.putLong(padded);
        out.put(json);
        for (int i = json.length; i < padded; i++) {
            out.put((byte) ' ');
        }
        for (Map.Entry<String, Tensor> e : tensors.entrySet()) {
            Tensor t = e.getValue();
            if (counts.contains(e.getKey())) {
                out.putLong(count(e.getKey(), t));
            } else if (t.dtype() == DType.F32) {
                out.asFloatBuffer().put(t.floats());
                out.position(out.position() + 4 * t.size());
            } else {
                out.asDoubleBuffer().put(t.doubles());
                out.position(out.position() + 8 * t.size());
            }
        }
        return out.array();
    }

    /** The whole number a one-element tensor holds, for writing it as an integer. */
    static long count(String name, Tensor t) {
        double v = t.size() == 1 ? t.get(0) : Double.NaN;
        if (!(v >= 0) || v != Math.rint(v) || v > MAX_COUNT) {
            throw new IllegalArgumentException("tensor '" + name + "' is written as a count but holds "
                    + (t.size() == 1 ? Double.toString(v) : t.size() + " elements"));
        }
        return (long) v;
    }

    /** Writes {@code tensors} to {@code file} atomically (a temporary file, flushed, then renamed). */
    public static void write(Path file, Map<String, String> metadata, Map<String, Tensor> tensors) {
        requireNonNull(file, "file is null");
        RunFolder.writeAtomically(file, encode(metadata, tensors));
    }

    /** Reads and checks a safetensors file. */
    public static Contents read(Path file) {
        requireNonNull(file, "file is null");
        try {
            if (Files.isDirectory(file)) {
                throw new GradlabException(Category.USAGE, file + " is a folder, not a .safetensors file");
            }
            long size = Files.size(file);
            if (size > MAX_FILE_BYTES) {
                throw new GradlabException(Category.DATA, file + ": " + size + " bytes is larger than the " + MAX_FILE_BYTES
                        + " bytes gradlab reads");
            }
            return decode(BoundedFiles.readAllBytes(file, MAX_FILE_BYTES, "the safetensors file", Category.DATA), file.toString());
        } catch (NoSuchFileException e) {
            throw new GradlabException(Category.IO, "weights file " + file + " does not exist: check the path", e);
        } catch (IOException e) {
            throw new GradlabException(Category.IO, "cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    /** Decodes and checks the bytes of a safetensors file; {@code source} names it in messages. */
    public static Contents decode(byte[] bytes, String source) {
        requireNonNull(bytes, "bytes is null");
        String src = requireNonNull(source, "source is null");
        if (bytes.length < 8) {
            throw bad(src, "it has " + bytes.length + " bytes, fewer than the 8-byte header length");
        }
        long headerLength = ByteBuffer.wrap(bytes, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        if (headerLength < 2 || headerLength > MAX_HEADER_BYTES || headerLength > bytes.length - 8L) {
            throw bad(src, "the header length " + Long.toUnsignedString(headerLength) + " does not fit the file of "
                    + bytes.length + " bytes (the file is truncated or not safetensors)");
        }
        int dataStart = 8 + (int) headerLength;
        JsonNode header;
        try {
            header = MAPPER.readTree(new String(bytes, 8, (int) headerLength, StandardCharsets.UTF_8));
        } catch (JsonProcessingException e) {
            throw bad(src, "the header is not valid JSON (" + e.getOriginalMessage() + ")");
        }
        if (header == null || !header.isObject()) {
            throw bad(src, "the header is not a JSON object");
        }
        Map<String, String> metadata = new LinkedHashMap<>();
        List<Entry> entries = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = header.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> field = it.next();
            if (field.getKey().equals(METADATA)) {
                metadata.putAll(metadata(src, field.getValue()));
            } else {
                entries.add(entry(src, field.getKey(), field.getValue()));
            }
        }
        long dataLength = bytes.length - (long) dataStart;
        entries.sort(Comparator.comparingLong(Entry::begin).thenComparingLong(Entry::end));
        long expected = 0;
        for (Entry e : entries) {
            if (e.begin() != expected) {
                throw bad(src, "tensor '" + e.name() + "' starts at byte " + e.begin() + " of the data but the previous tensor ends at "
                        + expected + " (tensors must not overlap or leave holes)");
            }
            expected = e.end();
        }
        if (expected != dataLength) {
            throw bad(src, "the tensors cover " + expected + " bytes but the data part has " + dataLength
                    + (expected > dataLength ? " (the file is truncated)" : " (trailing bytes)"));
        }
        Map<String, Entry> byName = new LinkedHashMap<>();
        entries.forEach(e -> byName.put(e.name(), e));
        ByteBuffer data = ByteBuffer.wrap(bytes, dataStart, (int) dataLength).slice();
        return new Contents(src, Map.copyOf(metadata), java.util.Collections.unmodifiableMap(byName), data);
    }

    private static Map<String, String> metadata(String src, JsonNode node) {
        if (!node.isObject()) {
            throw bad(src, "__metadata__ must be an object of text values");
        }
        Map<String, String> out = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> f = it.next();
            if (!f.getValue().isTextual()) {
                throw bad(src, "__metadata__ value '" + f.getKey() + "' must be text");
            }
            out.put(f.getKey(), f.getValue().asText());
        }
        return out;
    }

    private static Entry entry(String src, String name, JsonNode node) {
        String where = "tensor '" + name + "'";
        if (!node.isObject()) {
            throw bad(src, where + " must be an object with dtype, shape and data_offsets");
        }
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            String key = it.next();
            if (!List.of("dtype", "shape", "data_offsets").contains(key)) {
                throw bad(src, where + " has the unknown key '" + key + "' (valid: dtype, shape, data_offsets)");
            }
        }
        JsonNode dtypeNode = node.get("dtype");
        if (dtypeNode == null || !dtypeNode.isTextual() || !DTYPE_BYTES.containsKey(dtypeNode.asText())) {
            throw bad(src, where + " has dtype " + dtypeNode + "; known dtypes: " + String.join(", ", new java.util.TreeSet<>(DTYPE_BYTES.keySet())));
        }
        String dtype = dtypeNode.asText();
        JsonNode shapeNode = node.get("shape");
        if (shapeNode == null || !shapeNode.isArray() || shapeNode.size() > 8) {
            throw bad(src, where + " needs a shape: a list of at most 8 dimensions");
        }
        int[] shape = new int[shapeNode.size()];
        long elements = 1;
        for (int i = 0; i < shape.length; i++) {
            JsonNode d = shapeNode.get(i);
            if (!d.canConvertToInt() || !d.isIntegralNumber() || d.asInt() < 0) {
                throw bad(src, where + " has the dimension " + d + " in its shape; dimensions are whole numbers >= 0");
            }
            shape[i] = d.asInt();
            elements = Math.multiplyExact(elements, (long) shape[i]);
            if (elements > Integer.MAX_VALUE) {
                throw bad(src, where + " has the shape " + Arrays.toString(shape) + ", too large for gradlab");
            }
        }
        JsonNode offsets = node.get("data_offsets");
        if (offsets == null || !offsets.isArray() || offsets.size() != 2 || !offsets.get(0).isIntegralNumber()
                || !offsets.get(1).isIntegralNumber() || !offsets.get(0).canConvertToLong() || !offsets.get(1).canConvertToLong()) {
            throw bad(src, where + " needs data_offsets: [begin, end]");
        }
        long begin = offsets.get(0).asLong();
        long end = offsets.get(1).asLong();
        if (begin < 0 || end < begin) {
            throw bad(src, where + " has data_offsets [" + begin + ", " + end + "]; they must satisfy 0 <= begin <= end");
        }
        long bytes = elements * DTYPE_BYTES.get(dtype);
        if (end - begin != bytes) {
            throw bad(src, where + " has the shape " + Arrays.toString(shape) + " of " + dtype + " (" + bytes
                    + " bytes) but data_offsets [" + begin + ", " + end + "] span " + (end - begin) + " bytes");
        }
        return new Entry(name, dtype, shape, begin, end);
    }

    private static GradlabException bad(String source, String problem) {
        return new GradlabException(Category.DATA, source + ": not a valid safetensors file: " + problem);
    }
}
