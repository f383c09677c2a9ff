package io.gradlab.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.DescriptorProtos.DescriptorProto;
import com.google.protobuf.DescriptorProtos.FieldDescriptorProto;
import com.google.protobuf.DescriptorProtos.FieldDescriptorProto.Label;
import com.google.protobuf.DescriptorProtos.FieldDescriptorProto.Type;
import com.google.protobuf.DescriptorProtos.FileDescriptorProto;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.DescriptorValidationException;
import com.google.protobuf.Descriptors.FileDescriptor;
import com.google.protobuf.DynamicMessage;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code training.tensorboard} and {@code export --format tensorboard}, read back by an independent reader:
 * the TFRecord framing and CRCs checked here, the events parsed by protobuf-java with message types built
 * from TensorBoard's published {@code event.proto} / {@code summary.proto} (the fields used re-declared).
 */
class TensorBoardEventsTest {
    private static Descriptor event;
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    /** Event, Summary, Summary.Value and HistogramProto as in tensorflow/core/util/event.proto and framework/summary.proto. */
    @BeforeAll
    static void descriptors() throws DescriptorValidationException {
        DescriptorProto histogram = DescriptorProto.newBuilder().setName("HistogramProto")
                .addField(field("min", 1, Type.TYPE_DOUBLE)).addField(field("max", 2, Type.TYPE_DOUBLE))
                .addField(field("num", 3, Type.TYPE_DOUBLE)).addField(field("sum", 4, Type.TYPE_DOUBLE))
                .addField(field("sum_squares", 5, Type.TYPE_DOUBLE))
                .addField(field("bucket_limit", 6, Type.TYPE_DOUBLE).toBuilder().setLabel(Label.LABEL_REPEATED))
                .addField(field("bucket", 7, Type.TYPE_DOUBLE).toBuilder().setLabel(Label.LABEL_REPEATED)).build();
        DescriptorProto value = DescriptorProto.newBuilder().setName("Value")
                .addField(field("node_name", 7, Type.TYPE_STRING)).addField(field("tag", 1, Type.TYPE_STRING))
                .addField(field("simple_value", 2, Type.TYPE_FLOAT))
                .addField(field("histo", 5, Type.TYPE_MESSAGE).toBuilder().setTypeName(".tensorboard.HistogramProto")).build();
        DescriptorProto summary = DescriptorProto.newBuilder().setName("Summary").addNestedType(value)
                .addField(field("value", 1, Type.TYPE_MESSAGE).toBuilder().setLabel(Label.LABEL_REPEATED)
                        .setTypeName(".tensorboard.Summary.Value")).build();
        DescriptorProto eventType = DescriptorProto.newBuilder().setName("Event")
                .addField(field("wall_time", 1, Type.TYPE_DOUBLE)).addField(field("step", 2, Type.TYPE_INT64))
                .addField(field("file_version", 3, Type.TYPE_STRING))
                .addField(field("summary", 5, Type.TYPE_MESSAGE).toBuilder().setTypeName(".tensorboard.Summary")).build();
        FileDescriptorProto file = FileDescriptorProto.newBuilder().setName("tensorboard_subset.proto").setPackage("tensorboard")
                .setSyntax("proto3").addMessageType(histogram).addMessageType(summary).addMessageType(eventType).build();
        event = FileDescriptor.buildFrom(file, new FileDescriptor[0]).findMessageTypeByName("Event");
    }

    private static FieldDescriptorProto field(String name, int number, Type type) {
        return FieldDescriptorProto.newBuilder().setName(name).setNumber(number).setType(type).setLabel(Label.LABEL_OPTIONAL).build();
    }

    /** One event's summary values, read back. */
    record Scalar(long step, String tag, float value) {}

    record Histogram(long step, String tag, double num, double min, double max, double bucketTotal) {}

    record Events(String fileVersion, List<Scalar> scalars, List<Histogram> histograms) {
        Map<String, Float> at(long step) {
            Map<String, Float> out = new HashMap<>();
            scalars.stream().filter(s -> s.step() == step).forEach(s -> out.put(s.tag(), s.value()));
            return out;
        }
    }

    /** Reads every TFRecord of the file, checking both masked CRC-32Cs, and parses each as an Event. */
    static Events read(Path file) throws IOException {
        ByteBuffer buf = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
        String fileVersion = null;
        List<Scalar> scalars = new ArrayList<>();
        List<Histogram> histograms = new ArrayList<>();
        int records = 0;
        while (buf.hasRemaining()) {
            byte[] lengthBytes = new byte[8];
            buf.get(lengthBytes);
            assertThat(buf.getInt()).as("length CRC of record %d", records).isEqualTo(masked(lengthBytes));
            long length = ByteBuffer.wrap(lengthBytes).order(ByteOrder.LITTLE_ENDIAN).getLong();
            byte[] data = new byte[Math.toIntExact(length)];
            buf.get(data);
            assertThat(buf.getInt()).as("data CRC of record %d", records).isEqualTo(masked(data));
            DynamicMessage e = DynamicMessage.parseFrom(event, data);
            assertThat(e.getUnknownFields().asMap()).as("fields outside event.proto").isEmpty();
            if (records == 0) {
                fileVersion = (String) e.getField(event.findFieldByName("file_version"));
            }
            long step = (Long) e.getField(event.findFieldByName("step"));
            DynamicMessage summary = (DynamicMessage) e.getField(event.findFieldByName("summary"));
            Descriptor summaryType = summary.getDescriptorForType();
            for (Object o : (List<?>) summary.getField(summaryType.findFieldByName("value"))) {
                DynamicMessage v = (DynamicMessage) o;
                Descriptor valueType = v.getDescriptorForType();
                String tag = (String) v.getField(valueType.findFieldByName("tag"));
                if (v.hasField(valueType.findFieldByName("histo"))) {
                    DynamicMessage h = (DynamicMessage) v.getField(valueType.findFieldByName("histo"));
                    Descriptor ht = h.getDescriptorForType();
                    double total = 0;
                    for (Object c : (List<?>) h.getField(ht.findFieldByName("bucket"))) {
                        total += (Double) c;
                    }
                    assertThat(((List<?>) h.getField(ht.findFieldByName("bucket_limit")))).hasSameSizeAs(
                            (List<?>) h.getField(ht.findFieldByName("bucket")));
                    histograms.add(new Histogram(step, tag, (Double) h.getField(ht.findFieldByName("num")),
                            (Double) h.getField(ht.findFieldByName("min")), (Double) h.getField(ht.findFieldByName("max")), total));
                } else {
                    scalars.add(new Scalar(step, tag, (Float) v.getField(valueType.findFieldByName("simple_value"))));
                }
            }
            records++;
        }
        return new Events(fileVersion, scalars, histograms);
    }

    private static int masked(byte[] bytes) {
        CRC32C crc = new CRC32C();
        crc.update(bytes);
        int c = (int) crc.getValue();
        return ((c >>> 15) | (c << 17)) + 0xa282ead8;
    }

    private static Path eventFile(Path logDir) throws IOException {
        try (Stream<Path> files = Files.walk(logDir)) {
            List<Path> found = files.filter(p -> p.getFileName().toString().startsWith("events.out.tfevents.")).toList();
            assertThat(found).hasSize(1);
            return found.get(0);
        }
    }

    private static Path onlyRun(Path out) throws IOException {
        try (Stream<Path> runs = Files.list(out)) {
            return runs.findFirst().orElseThrow();
        }
    }

    /** The scalars each epoch of metrics.jsonl must have, read with Jackson alone. */
    private static void assertScalarsMatch(Events events, Path run) throws IOException {
        List<String> lines = Files.readAllLines(run.resolve("metrics.jsonl")).stream().filter(l -> !l.isBlank()).toList();
        assertThat(lines).isNotEmpty();
        for (String line : lines) {
            JsonNode m = JSON.readTree(line);
            long step = m.get("epoch").asLong();
            Map<String, Float> at = events.at(step);
            assertThat(at).containsEntry("loss/train", (float) m.get("train_loss").asDouble())
                    .containsEntry("loss/test", (float) m.get("test_loss").asDouble())
                    .containsEntry("accuracy/train", (float) m.get("train_accuracy").asDouble())
                    .containsEntry("accuracy/test", (float) m.get("test_accuracy").asDouble())
                    .containsEntry("lr", (float) m.get("lr").asDouble());
            assertThat(m.get("layers")).isNotEmpty();
            for (JsonNode layer : m.get("layers")) {
                String name = layer.get("name").asText();
                assertThat(at).containsEntry("grad_norm/" + name, (float) layer.get("grad_norm").asDouble())
                        .containsEntry("update_ratio/" + name, (float) layer.get("update_ratio").asDouble())
                        .containsEntry("weight_norm/" + name, (float) layer.get("weight_norm").asDouble());
                layer.fields().forEachRemaining(f -> {
                    if (f.getValue().isNumber()) {
                        assertThat(at).containsEntry(f.getKey() + "/" + name, (float) f.getValue().asDouble());
                    }
                });
            }
        }
    }

    @Test
    void trainingWritesScalarsEqualToMetricsAndWeightAndGradientHistogramsEveryEpoch() throws IOException {
        Path spec = TinyCsv.spec(dir.resolve("spec"), 3);
        Path logDir = dir.resolve("tb");
        Cli.Result r = Cli.run("run", spec.toString(), "--out", dir.resolve("runs").toString(), "-q",
                "--set", "training.tensorboard=" + logDir);
        assertThat(r.code()).as(r.err()).isZero();
        Path run = onlyRun(dir.resolve("runs"));
        Path file = eventFile(logDir);
        assertThat(file.getParent().getFileName().toString()).isEqualTo(run.getFileName().toString());

        Events events = read(file);
        assertThat(events.fileVersion()).isEqualTo("brain.Event:2");
        assertScalarsMatch(events, run);
        for (long step = 1; step <= 3; step++) {
            long s = step;
            List<Histogram> at = events.histograms().stream().filter(h -> h.step() == s).toList();
            assertThat(at).extracting(Histogram::tag).contains("weights/layers.0.weight", "gradients/layers.0.weight");
            assertThat(at).allSatisfy(h -> {
                assertThat(h.bucketTotal()).isEqualTo(h.num());
                assertThat(h.min()).isLessThanOrEqualTo(h.max());
            });
        }
        assertThat(Files.readString(run.resolve("spec.resolved.yaml"))).contains("tensorboard: " + logDir);
    }

    @Test
    void exportWritesEveryEpochOfARunFolderAndTheFinalWeights() throws IOException {
        Path spec = TinyCsv.spec(dir.resolve("spec"), 2);
        assertThat(Cli.run("run", spec.toString(), "--out", dir.resolve("runs").toString(), "-q").code()).isZero();
        Path run = onlyRun(dir.resolve("runs"));
        Path logDir = dir.resolve("exported");

        Cli.Result r = Cli.run("export", run.toString(), "--format", "tensorboard", "--out", logDir.toString());
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("2 epochs of scalars");
        Events events = read(eventFile(logDir));
        assertThat(events.fileVersion()).isEqualTo("brain.Event:2");
        assertScalarsMatch(events, run);
        assertThat(events.histograms()).isNotEmpty().allSatisfy(h -> {
            assertThat(h.step()).isEqualTo(2);
            assertThat(h.tag()).startsWith("weights/layers.");
            assertThat(h.bucketTotal()).isEqualTo(h.num());
        });
    }

    @Test
    void aSpecKeyThatIsNotAFolderIsASpecError() {
        Path spec = TinyCsv.spec(dir.resolve("spec"), 1);
        Cli.Result r = Cli.run("run", spec.toString(), "--out", dir.resolve("runs").toString(), "-q", "--set", "training.tensorboard=7");
        assertThat(r.code()).isNotZero();
        assertThat(r.err()).contains("training.tensorboard");
    }
}
