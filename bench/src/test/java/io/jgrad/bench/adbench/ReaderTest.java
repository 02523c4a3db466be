package io.jgrad.bench.adbench;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The readers on small files written here in ADBench's formats (README "File format"): what
 * they read, ADBench's BA replication, hand simple/complicated detection, and clear errors.
 */
class ReaderTest {
    @TempDir
    Path dir;

    @Test
    void gmmFileRoundTrips() throws IOException {
        GmmInput g = AdbenchGenerator.gmm(5, 3, 2, 4);
        StringBuilder text = new StringBuilder(g.d() + " " + g.k() + " " + g.n() + "\n");
        rows(text, g.alphas(), 1);
        rows(text, g.means(), g.d());
        rows(text, g.icf(), GmmInput.icfSize(g.d()));
        rows(text, g.x(), g.d());
        text.append("1.000000 0\n");
        GmmInput read = AdbenchReader.readGmm(write("gmm.txt", text));
        assertTrue(GeneratorTest.sameData(g, read));
    }

    @Test
    void gmmReplicatePointMode() throws IOException {
        GmmInput g = AdbenchReader.readGmm(write("gmm.txt", "2 1 3\n0.5\n0.1 0.2\n1 2 3\n7 8\n1 0\n"), true);
        assertArrayEquals(new double[] {7, 8, 7, 8, 7, 8}, g.x());
    }

    @Test
    void lstmFileWithBlankLinesRoundTrips() throws IOException {
        LstmInput l = AdbenchGenerator.lstm(5, 2, 3, 4);
        StringBuilder text = new StringBuilder("2 3 4\n\n");
        rows(text, l.main(), 16);
        text.append('\n');
        rows(text, l.extra(), 4);
        text.append('\n');
        rows(text, l.state(), 4);
        text.append('\n');
        rows(text, l.sequence(), 4);
        assertTrue(GeneratorTest.sameData(l, AdbenchReader.readLstm(write("lstm.txt", text))));
    }

    @Test
    void baFileIsReplicatedAsAdbenchDoes() throws IOException {
        BaInput b = AdbenchReader.readBa(write("ba.txt",
                "2 3 5\n1 2 3 4 5 6 7 8 9 10 11\n0.5 0.25 0.125\n0.75\n100 200\n"));
        assertEquals(22, b.cams().length);
        assertArrayEquals(new double[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11}, java.util.Arrays.copyOfRange(b.cams(), 11, 22));
        assertArrayEquals(new double[] {0.5, 0.25, 0.125, 0.5, 0.25, 0.125, 0.5, 0.25, 0.125}, b.points());
        assertArrayEquals(new double[] {0.75, 0.75, 0.75, 0.75, 0.75}, b.weights());
        assertArrayEquals(new double[] {100, 200, 100, 200, 100, 200, 100, 200, 100, 200}, b.features());
        assertArrayEquals(new int[] {0, 0, 1, 1, 0, 2, 1, 0, 0, 1}, b.observations(), "observation i: camera i mod n, point i mod m");
    }

    @Test
    void handFilesAndModelFolderRoundTrip() throws IOException {
        HandModel model = AdbenchGenerator.handModel(9, 12, 7);
        Path folder = Files.createDirectories(dir.resolve("hand/model"));
        writeModel(folder, model);
        for (boolean complicated : new boolean[] {false, true}) {
            HandInput h = AdbenchGenerator.hand(10, model, 4, complicated);
            Path file = write("hand/input_" + complicated + ".txt", handText(h));
            HandInput read = AdbenchReader.readHand(file);       // model from the sibling folder model/
            assertEquals(complicated, read.complicated(), "told apart by the token count");
            assertTrue(GeneratorTest.sameData(h, read));
        }
    }

    @Test
    void errorsNameTheFileAndWhatWasWrong() throws IOException {
        Path truncated = write("short.txt", "2 1 3\n0.5\n0.1 0.2\n1 2 3\n7 8\n");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> AdbenchReader.readGmm(truncated));
        assertTrue(e.getMessage().contains("short.txt") && e.getMessage().contains("n×d points x"), e.getMessage());

        Path extra = write("extra.txt", "2 1 1\n0.5\n0.1 0.2\n1 2 3\n7 8\n1 0\n99\n");
        e = assertThrows(IllegalArgumentException.class, () -> AdbenchReader.readGmm(extra));
        assertTrue(e.getMessage().contains("left over") && e.getMessage().contains("\"99\""), e.getMessage());

        Path word = write("word.txt", "2 1 1\n0.5\n0.1 zero\n1 2 3\n7 8\n1 0\n");
        e = assertThrows(IllegalArgumentException.class, () -> AdbenchReader.readGmm(word));
        assertTrue(e.getMessage().contains("\"zero\"") && e.getMessage().contains("means"), e.getMessage());

        e = assertThrows(IllegalArgumentException.class, () -> AdbenchReader.readBa(dir.resolve("absent.txt")));
        assertTrue(e.getMessage().contains("no such file"), e.getMessage());

        HandModel model = AdbenchGenerator.handModel(9, 12, 7);
        Path folder = Files.createDirectories(dir.resolve("h/model"));
        writeModel(folder, model);
        String text = handText(AdbenchGenerator.hand(10, model, 4, false));
        Path oneShort = write("h/bad.txt", text.substring(0, text.lastIndexOf('\n', text.length() - 2)));
        e = assertThrows(IllegalArgumentException.class, () -> AdbenchReader.readHand(oneShort));
        assertTrue(e.getMessage().contains("(simple)") && e.getMessage().contains("(complicated)"), e.getMessage());

        Path badVertex = write("h/vertex.txt", text.replaceFirst("\n\\d+ ", "\n12 "));
        e = assertThrows(IllegalArgumentException.class, () -> AdbenchReader.readHand(badVertex));
        assertTrue(e.getMessage().contains("vertex 12") && e.getMessage().contains("[0, 12)"), e.getMessage());
    }

    @Test
    void recordsRejectInconsistentArrays() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new GmmInput(2, 1, 1, new double[1], new double[2], new double[2], new double[2], 1, 0));
        assertTrue(e.getMessage().contains("GMM icf has length 2, expected 3"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> new LstmInput(1, 2, 1, new double[8], new double[] {0, 0, Double.NaN}, new double[2], new double[2]));
        assertTrue(e.getMessage().contains("LSTM extra[2] is NaN"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> new BaInput(1, 1, 1, new double[11], new double[3], new double[1], new double[2], new int[] {0, 1}));
        assertTrue(e.getMessage().contains("names point 1"), e.getMessage());
        assertFalse(e.getMessage().isBlank());
    }

    // ---- writers of ADBench's text formats, for these tests only

    private Path write(String name, CharSequence text) throws IOException {
        Path file = dir.resolve(name);
        Files.createDirectories(file.getParent());
        return Files.writeString(file, text);
    }

    private static void rows(StringBuilder out, double[] values, int perRow) {
        for (int i = 0; i < values.length; i++) out.append(values[i]).append(i % perRow == perRow - 1 ? "\n" : " ");
    }

    private static String handText(HandInput h) {
        StringBuilder out = new StringBuilder(h.correspondenceCount() + " 26\n");
        for (int i = 0; i < h.correspondenceCount(); i++) {
            out.append(h.correspondences()[i]);
            for (int j = 0; j < 3; j++) out.append(' ').append(h.points()[3 * i + j]);
            out.append('\n');
        }
        rows(out, h.us(), 2);
        rows(out, h.theta(), 1);
        return out.toString();
    }

    private static void writeModel(Path folder, HandModel model) throws IOException {
        StringBuilder bones = new StringBuilder();
        for (int b = 0; b < model.boneCount(); b++) {
            bones.append(model.boneNames().get(b)).append(':').append(model.parents()[b]);
            for (int i = 0; i < 16; i++) bones.append(':').append(model.baseRelatives()[16 * b + i]);
            for (int i = 0; i < 16; i++) bones.append(':').append(model.inverseBaseAbsolutes()[16 * b + i]);
            bones.append('\n');
        }
        int vertices = model.vertexCount();
        StringBuilder verts = new StringBuilder();
        for (int v = 0; v < vertices; v++) {
            StringBuilder skin = new StringBuilder();
            int listed = 0;
            for (int b = 0; b < model.boneCount(); b++) {
                double w = model.weights()[b * vertices + v];
                if (w != 0) {
                    skin.append(':').append(b).append(':').append(w);
                    listed++;
                }
            }
            for (int j = 0; j < 3; j++) verts.append(model.basePositions()[j * vertices + v]).append(':');
            verts.append(String.format(Locale.ROOT, "0.1:0.2:0.3:0.0:0.0:%d%s%n", listed, skin));
        }
        StringBuilder tris = new StringBuilder();
        for (int t = 0; t < model.triangleCount(); t++) {
            tris.append(model.triangles()[3 * t]).append(':').append(model.triangles()[3 * t + 1]).append(':').append(model.triangles()[3 * t + 2]).append('\n');
        }
        Files.writeString(folder.resolve("bones.txt"), bones);
        Files.writeString(folder.resolve("vertices.txt"), verts);
        Files.writeString(folder.resolve("triangles.txt"), tris);
    }
}
