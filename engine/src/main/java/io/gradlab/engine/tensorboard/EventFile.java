package io.gradlab.engine.tensorboard;

import static java.util.Objects.requireNonNull;

import io.gradlab.api.GradlabException;
import io.gradlab.api.GradlabException.Category;
import java.io.BufferedOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.zip.CRC32C;

/**
 * One TensorBoard event file ({@code events.out.tfevents.<seconds>.<host>.<pid>}): {@code Event}
 * protobufs ({@code tensorflow/core/util/event.proto}, {@code summary.proto}) in TFRecord framing
 * (length, masked CRC-32C of the length, data, masked CRC-32C of the data). The first event carries
 * {@code file_version: "brain.Event:2"}.
 */
public final class EventFile implements Closeable {
    static final String FILE_VERSION = "brain.Event:2";
    private static final int HISTOGRAM_BUCKETS = 30;

    private final Path file;
    private final OutputStream out;

    private EventFile(Path file) throws IOException {
        this.file = file;
        this.out = new BufferedOutputStream(Files.newOutputStream(file, java.nio.file.StandardOpenOption.CREATE_NEW,
                java.nio.file.StandardOpenOption.WRITE, java.nio.file.LinkOption.NOFOLLOW_LINKS));
    }

    /** Creates a new event file in {@code dir} (created if missing) and writes its first event. */
    public static EventFile create(Path dir) {
        requireNonNull(dir, "dir is null");
        long now = System.currentTimeMillis();
        Path file = dir.resolve("events.out.tfevents." + now / 1000 + "." + host() + "." + ProcessHandle.current().pid());
        try {
            Files.createDirectories(dir);
            for (int i = 1; Files.exists(file); i++) {
                file = dir.resolve("events.out.tfevents." + now / 1000 + "." + host() + "." + ProcessHandle.current().pid() + "." + i);
            }
            EventFile events = new EventFile(file);
            events.write(new ProtoWriter().float64(1, now / 1000.0).int64(2, 0).string(3, FILE_VERSION));
            return events;
        } catch (IOException e) {
            throw new GradlabException(Category.IO, "cannot write the TensorBoard event file " + file + ": " + e.getMessage(), e);
        }
    }

    public Path file() {
        return file;
    }

    /** One event at {@code step} with a scalar summary value per entry (in the order given). */
    public void scalars(long step, Map<String, Double> values) {
        if (values.isEmpty()) {
            return;
        }
        ProtoWriter summary = new ProtoWriter();
        values.forEach((tag, value) -> summary.message(1, new ProtoWriter().string(1, tag).float32(2, value.floatValue())));
        event(step, summary);
    }

    /** One event at {@code step} with a histogram of {@code values} (non-finite values left out; nothing when none is left). */
    public void histogram(long step, String tag, double[] values) {
        ProtoWriter histo = histogramProto(values);
        if (histo != null) {
            event(step, new ProtoWriter().message(1, new ProtoWriter().string(1, tag).message(5, histo)));
        }
    }

    /** Writes what is buffered to the file. */
    public void flush() {
        try {
            out.flush();
        } catch (IOException e) {
            throw new GradlabException(Category.IO, "cannot write " + file + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        try {
            out.close();
        } catch (IOException e) {
            throw new GradlabException(Category.IO, "cannot write " + file + ": " + e.getMessage(), e);
        }
    }

    /** {@code HistogramProto} with equal-width buckets from min to max; {@code bucket_limit} holds each bucket's right edge. */
    static ProtoWriter histogramProto(double[] values) {
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        double sum = 0;
        double sumSquares = 0;
        long n = 0;
        for (double v : values) {
            if (Double.isFinite(v)) {
                min = Math.min(min, v);
                max = Math.max(max, v);
                sum += v;
                sumSquares += v * v;
                n++;
            }
        }
        if (n == 0) {
            return null;
        }
        int buckets = max > min ? HISTOGRAM_BUCKETS : 1;
        double width = (max - min) / buckets;
        double[] limits = new double[buckets];
        double[] counts = new double[buckets];
        for (int i = 0; i < buckets; i++) {
            limits[i] = i == buckets - 1 ? max : min + width * (i + 1);
        }
        for (double v : values) {
            if (Double.isFinite(v)) {
                int b = buckets == 1 ? 0 : (int) Math.min(buckets - 1, Math.floor((v - min) / width));
                counts[b]++;
            }
        }
        return new ProtoWriter().float64(1, min).float64(2, max).float64(3, n).float64(4, sum).float64(5, sumSquares)
                .packedDoubles(6, limits).packedDoubles(7, counts);
    }

    private void event(long step, ProtoWriter summary) {
        try {
            write(new ProtoWriter().float64(1, System.currentTimeMillis() / 1000.0).int64(2, step).message(5, summary));
        } catch (IOException e) {
            throw new GradlabException(Category.IO, "cannot write " + file + ": " + e.getMessage(), e);
        }
    }

    /** One TFRecord: uint64 length, masked CRC-32C of the length, data, masked CRC-32C of the data (little-endian). */
    private void write(ProtoWriter event) throws IOException {
        byte[] data = event.toByteArray();
        byte[] length = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(data.length).array();
        out.write(length);
        out.write(intBytes(maskedCrc(length)));
        out.write(data);
        out.write(intBytes(maskedCrc(data)));
    }

    /** CRC-32C (Castagnoli), masked as TFRecord does: {@code ((crc >>> 15) | (crc << 17)) + 0xa282ead8}. */
    static int maskedCrc(byte[] bytes) {
        CRC32C crc = new CRC32C();
        crc.update(bytes);
        int c = (int) crc.getValue();
        return ((c >>> 15) | (c << 17)) + 0xa282ead8;
    }

    private static byte[] intBytes(int value) {
        return ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(value).array();
    }

    private static String host() {
        try {
            return InetAddress.getLocalHost().getHostName().replaceAll("[^A-Za-z0-9.-]", "_");
        } catch (UnknownHostException e) {
            return "localhost";
        }
    }
}
