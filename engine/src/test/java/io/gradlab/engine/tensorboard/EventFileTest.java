package io.gradlab.engine.tensorboard;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The TFRecord framing and the protobuf encodings of event files (app-cli's TensorBoardEventsTest reads whole files back). */
class EventFileTest {
    @TempDir
    Path dir;

    @Test
    void theMaskedCrcIsCastagnoliRotatedAndOffset() {
        // CRC-32C of "123456789" is 0xE3069283 (RFC 3720's check value)
        int crc = 0xE3069283;
        assertThat(EventFile.maskedCrc("123456789".getBytes(StandardCharsets.US_ASCII)))
                .isEqualTo(((crc >>> 15) | (crc << 17)) + 0xa282ead8);
    }

    @Test
    void varintsAndFixedFieldsFollowTheWireFormat() {
        assertThat(new ProtoWriter().int64(2, 300).toByteArray()).containsExactly(0x10, 0xAC, 0x02);
        assertThat(new ProtoWriter().string(3, "ab").toByteArray()).containsExactly(0x1A, 2, 'a', 'b');
        assertThat(new ProtoWriter().float32(2, 1.0f).toByteArray()).containsExactly(0x15, 0, 0, 0x80, 0x3F);
        assertThat(new ProtoWriter().int64(1, -1).toByteArray()).hasSize(11);
    }

    @Test
    void aFileStartsWithTheVersionEventAndEveryRecordIsFramed() throws IOException {
        Path file;
        try (EventFile events = EventFile.create(dir.resolve("run"))) {
            events.scalars(1, Map.of("loss/train", 2.5));
            events.histogram(1, "weights/layers.0.weight", new double[] {-1, 0, 1, Double.NaN});
            events.histogram(1, "empty", new double[] {Double.NaN});
            file = events.file();
        }
        assertThat(file.getFileName().toString()).startsWith("events.out.tfevents.");
        ByteBuffer buf = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
        int records = 0;
        String first = null;
        while (buf.hasRemaining()) {
            byte[] length = new byte[8];
            buf.get(length);
            assertThat(buf.getInt()).isEqualTo(EventFile.maskedCrc(length));
            byte[] data = new byte[(int) ByteBuffer.wrap(length).order(ByteOrder.LITTLE_ENDIAN).getLong()];
            buf.get(data);
            assertThat(buf.getInt()).isEqualTo(EventFile.maskedCrc(data));
            if (records++ == 0) {
                first = new String(data, StandardCharsets.ISO_8859_1);
            }
        }
        assertThat(records).as("version, scalars, one histogram (none of NaN alone)").isEqualTo(3);
        assertThat(first).contains(EventFile.FILE_VERSION);
    }
}
