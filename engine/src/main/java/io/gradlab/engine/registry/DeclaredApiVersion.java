package io.gradlab.engine.registry;

import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.util.Optional;

/**
 * Reads the API version a plugin class declares from its class file, without loading the class. A
 * plugin implements {@code apiVersion()} as {@code return ApiVersion.CURRENT;}, which javac compiles to
 * {@code ldc "1.0"; areturn} (it inlines the constant), so the version a jar was built for can be read
 * even when the jar cannot link against this gradlab's API: a 1.x plugin that implements an interface
 * API 2 removed fails as soon as its class is loaded, long before {@code apiVersion()} could be called.
 * Any other shape of {@code apiVersion()} (or a class file this reader does not understand) gives
 * nothing, and the host asks the loaded plugin instead.
 */
final class DeclaredApiVersion {
    private static final String METHOD = "apiVersion";
    private static final String DESCRIPTOR = "()Ljava/lang/String;";
    private static final int LDC = 0x12;
    private static final int LDC_W = 0x13;
    private static final int ARETURN = 0xb0;

    private DeclaredApiVersion() {}

    /** The string constant that {@code apiVersion()} returns in {@code classFile}, if it returns one. */
    static Optional<String> of(byte[] classFile) {
        try {
            return Optional.ofNullable(read(new DataInputStream(new ByteArrayInputStream(classFile))));
        } catch (IOException | RuntimeException e) {
            return Optional.empty(); // not a class file we understand: the loaded plugin will be asked
        }
    }

    private static String read(DataInputStream in) throws IOException {
        if (in.readInt() != 0xCAFEBABE) {
            return null;
        }
        in.readUnsignedShort(); // minor version
        in.readUnsignedShort(); // major version
        int count = in.readUnsignedShort();
        String[] utf8 = new String[count];
        int[] stringIndex = new int[count];
        for (int i = 1; i < count; i++) {
            int tag = in.readUnsignedByte();
            switch (tag) {
                case 1 -> utf8[i] = in.readUTF();
                case 8 -> stringIndex[i] = in.readUnsignedShort();
                case 7, 16, 19, 20 -> in.skipNBytes(2); // class, method type, module, package
                case 15 -> in.skipNBytes(3); // method handle
                case 3, 4, 9, 10, 11, 12, 17, 18 -> in.skipNBytes(4); // int, float, refs, name-and-type, dynamic
                case 5, 6 -> { // long and double take two slots
                    in.skipNBytes(8);
                    i++;
                }
                default -> {
                    return null;
                }
            }
        }
        in.skipNBytes(6); // access flags, this class, super class
        in.skipNBytes(2L * in.readUnsignedShort()); // interfaces
        skipMembers(in); // fields
        int methods = in.readUnsignedShort();
        for (int m = 0; m < methods; m++) {
            in.readUnsignedShort(); // access flags
            String name = utf8[in.readUnsignedShort()];
            String descriptor = utf8[in.readUnsignedShort()];
            boolean wanted = METHOD.equals(name) && DESCRIPTOR.equals(descriptor);
            int attributes = in.readUnsignedShort();
            for (int a = 0; a < attributes; a++) {
                String attribute = utf8[in.readUnsignedShort()];
                int length = in.readInt();
                if (wanted && "Code".equals(attribute)) {
                    byte[] body = in.readNBytes(length);
                    return constantReturned(body, utf8, stringIndex);
                }
                in.skipNBytes(length);
            }
        }
        return null;
    }

    /** The string of {@code ldc #n; areturn} (or {@code ldc_w}), the whole of a constant-returning method. */
    private static String constantReturned(byte[] codeAttribute, String[] utf8, int[] stringIndex) throws IOException {
        DataInputStream in = new DataInputStream(new ByteArrayInputStream(codeAttribute));
        in.skipNBytes(4); // max stack, max locals
        int length = in.readInt();
        int op = in.readUnsignedByte();
        int index;
        if (op == LDC && length == 3) {
            index = in.readUnsignedByte();
        } else if (op == LDC_W && length == 4) {
            index = in.readUnsignedShort();
        } else {
            return null;
        }
        if (in.readUnsignedByte() != ARETURN || index <= 0 || index >= stringIndex.length || stringIndex[index] == 0) {
            return null;
        }
        return utf8[stringIndex[index]];
    }

    private static void skipMembers(DataInputStream in) throws IOException {
        int members = in.readUnsignedShort();
        for (int m = 0; m < members; m++) {
            in.skipNBytes(6); // access flags, name, descriptor
            int attributes = in.readUnsignedShort();
            for (int a = 0; a < attributes; a++) {
                in.skipNBytes(2);
                in.skipNBytes(in.readInt() & 0xffffffffL);
            }
        }
    }
}
