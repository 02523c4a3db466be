package io.jgrad.bench.adbench;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The README's size table ("Files provided"), checked against an input of a catalog size, read or generated. */
final class SizeTable {
    private SizeTable() {}

    static void assertSizes(AdbenchSize size, Record input) {
        switch (size) {
            case GMM_1K_D2_K5 -> gmm(input, 2, 5, 1000, 30);
            case GMM_1K_D10_K25 -> gmm(input, 10, 25, 1000, 1_650);
            case GMM_1K_D20_K50 -> gmm(input, 20, 50, 1000, 11_550);
            case GMM_1K_D64_K100 -> gmm(input, 64, 100, 1000, 214_500);
            case GMM_1K_D64_K200 -> gmm(input, 64, 200, 1000, 429_000);
            case GMM_10K_D2_K5 -> gmm(input, 2, 5, 10_000, 30);
            case GMM_10K_D32_K200 -> gmm(input, 32, 200, 10_000, 112_200);
            case GMM_10K_D64_K200 -> gmm(input, 64, 200, 10_000, 429_000);
            case LSTM_L2_C1024 -> lstm(input, 2, 1024, 266);
            case LSTM_L4_C1024 -> lstm(input, 4, 1024, 490);
            case LSTM_L2_C4096 -> lstm(input, 2, 4096, 266);
            case LSTM_L4_C4096 -> lstm(input, 4, 4096, 490);
            case BA1 -> ba(input, 49, 7_776, 31_843, 95_529, 55_710, 987_133);
            case BA5 -> ba(input, 257, 65_132, 225_911, 677_733, 424_134, 31L * 225_911);
            case BA10 -> ba(input, 1_197, 126_327, 563_734, 1_691_202, 955_882, 31L * 563_734);
            case HAND_SIMPLE_SMALL -> hand(input, false, 300, 26);
            case HAND_COMPLICATED_SMALL -> hand(input, true, 300, 28);
        }
    }

    private static void gmm(Record input, int d, int k, int n, int parameters) {
        GmmInput g = (GmmInput) input;
        assertArrayEquals(new int[] {d, k, n}, new int[] {g.d(), g.k(), g.n()}, "GMM d, K, n");
        assertEquals(parameters, g.parameterCount(), "GMM derivative inputs K(1 + d + d(d+1)/2)");
        assertEquals(1.0, g.gamma());
        assertEquals(0, g.m());
    }

    private static void lstm(Record input, int layers, int steps, int parameters) {
        LstmInput l = (LstmInput) input;
        assertArrayEquals(new int[] {layers, steps, 14}, new int[] {l.layers(), l.steps(), l.hidden()}, "LSTM l, c, b");
        assertEquals(parameters, l.parameterCount(), "LSTM derivative inputs 8lb + 3b");
        for (double bit : l.sequence()) assertTrue(bit == 0 || bit == 1, "sequence entries are bits");
    }

    private static void ba(Record input, int n, int m, int p, long rows, long columns, long nonzeros) {
        BaInput b = (BaInput) input;
        assertArrayEquals(new int[] {n, m, p}, new int[] {b.n(), b.m(), b.p()}, "BA n, m, p");
        assertEquals(rows, b.jacobianRows(), "BA Jacobian rows");
        assertEquals(columns, b.jacobianColumns(), "BA Jacobian columns");
        assertEquals(nonzeros, b.jacobianNonzeros(), "BA Jacobian nonzeros");
        for (int i = 0; i < p; i++) {
            assertEquals(i % n, b.observations()[2 * i], "observation i uses camera i mod n");
            assertEquals(i % m, b.observations()[2 * i + 1], "observation i uses point i mod m");
        }
    }

    private static void hand(Record input, boolean complicated, int rows, int columns) {
        HandInput h = (HandInput) input;
        assertEquals(complicated, h.complicated());
        assertEquals(rows, 3 * h.correspondenceCount(), "hand Jacobian rows 3N");
        assertEquals(columns, h.jacobianColumns(), "hand Jacobian columns");
        HandModel model = h.model();
        assertEquals(AdbenchGenerator.HAND_BONES, model.boneNames());
        assertArrayEquals(AdbenchGenerator.HAND_PARENTS, model.parents());
        assertEquals(544, model.vertexCount());
        assertEquals(1084, model.triangleCount());
    }
}
