package io.jgrad.bench.adbench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Every input size of the README's table (plus the paper's two largest GMM sizes, which the
 * shared data lacks): where ADBench's file lives under a data folder, and how to generate an
 * input of the same shape.
 */
public enum AdbenchSize {
    GMM_1K_D2_K5(Problem.GMM, "gmm/1k/gmm_d2_K5.txt", 2, 5, 1000),
    GMM_1K_D10_K25(Problem.GMM, "gmm/1k/gmm_d10_K25.txt", 10, 25, 1000),
    GMM_1K_D20_K50(Problem.GMM, "gmm/1k/gmm_d20_K50.txt", 20, 50, 1000),
    GMM_1K_D64_K100(Problem.GMM, "gmm/1k/gmm_d64_K100.txt", 64, 100, 1000),
    /** The paper's largest 1k GMM; not in the shared data (README "Substitutions"). */
    GMM_1K_D64_K200(Problem.GMM, "gmm/1k/gmm_d64_K200.txt", 64, 200, 1000),
    GMM_10K_D2_K5(Problem.GMM, "gmm/10k/gmm_d2_K5.txt", 2, 5, 10000),
    GMM_10K_D32_K200(Problem.GMM, "gmm/10k/gmm_d32_K200.txt", 32, 200, 10000),
    /** Not in the shared data (README "Substitutions"). */
    GMM_10K_D64_K200(Problem.GMM, "gmm/10k/gmm_d64_K200.txt", 64, 200, 10000),
    LSTM_L2_C1024(Problem.LSTM, "lstm/lstm_l2_c1024.txt", 2, 1024, 14),
    LSTM_L4_C1024(Problem.LSTM, "lstm/lstm_l4_c1024.txt", 4, 1024, 14),
    LSTM_L2_C4096(Problem.LSTM, "lstm/lstm_l2_c4096.txt", 2, 4096, 14),
    LSTM_L4_C4096(Problem.LSTM, "lstm/lstm_l4_c4096.txt", 4, 4096, 14),
    BA1(Problem.BA, "ba/ba1_n49_m7776_p31843.txt", 49, 7776, 31843),
    BA5(Problem.BA, "ba/ba5_n257_m65132_p225911.txt", 257, 65132, 225911),
    BA10(Problem.BA, "ba/ba10_n1197_m126327_p563734.txt", 1197, 126327, 563734),
    /** sizes: N correspondences, model vertices, model triangles. */
    HAND_SIMPLE_SMALL(Problem.HAND, "hand/simple_small/hand1_t26_c100.txt", 100, 544, 1084),
    HAND_COMPLICATED_SMALL(Problem.HAND, "hand/complicated_small/hand1_t26_c100.txt", 100, 544, 1084);

    public enum Problem { GMM, LSTM, BA, HAND }

    private final Problem problem;
    private final String relativePath;
    private final int a, b, c;

    AdbenchSize(Problem problem, String relativePath, int a, int b, int c) {
        this.problem = problem;
        this.relativePath = relativePath;
        this.a = a;
        this.b = b;
        this.c = c;
    }

    public Problem problem() {
        return problem;
    }

    /** The file's path relative to ADBench's data folder. */
    public String relativePath() {
        return relativePath;
    }

    /**
     * ADBench's data folder: the system property {@code adbench.data}, else the environment
     * variable {@code ADBENCH_DATA}, else the first {@code shared/adbench/data} found walking up
     * from the working directory (the team's layout: /work/shared beside the checkouts).
     */
    public static Optional<Path> defaultDataFolder() {
        String given = System.getProperty("adbench.data", System.getenv("ADBENCH_DATA"));
        if (given != null && !given.isBlank()) return Optional.of(Path.of(given));
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path candidate = dir.resolve("shared/adbench/data");
            if (Files.isDirectory(candidate)) return Optional.of(candidate);
        }
        return Optional.empty();
    }

    /** Whether {@code dataFolder} holds this size's file. */
    public boolean availableIn(Path dataFolder) {
        return Files.isRegularFile(dataFolder.resolve(relativePath));
    }

    /** ADBench's file under {@code dataFolder}: a GmmInput, LstmInput, BaInput or HandInput. */
    public Record read(Path dataFolder) {
        Path file = dataFolder.resolve(relativePath);
        return switch (problem) {
            case GMM -> AdbenchReader.readGmm(file);
            case LSTM -> AdbenchReader.readLstm(file);
            case BA -> AdbenchReader.readBa(file);
            case HAND -> AdbenchReader.readHand(file);
        };
    }

    /** A generated input of this size with {@link AdbenchGenerator#DEFAULT_SEED}. */
    public Record generate() {
        return generate(AdbenchGenerator.DEFAULT_SEED);
    }

    public Record generate(long seed) {
        return switch (problem) {
            case GMM -> AdbenchGenerator.gmm(seed, a, b, c);
            case LSTM -> AdbenchGenerator.lstm(seed, a, b, c);
            case BA -> AdbenchGenerator.ba(seed, a, b, c);
            case HAND -> AdbenchGenerator.hand(seed + 1, AdbenchGenerator.handModel(seed, b, c), a, this == HAND_COMPLICATED_SMALL);
        };
    }

    /** The size parameters as the README's table names them. */
    public String sizes() {
        return switch (problem) {
            case GMM -> "d=" + a + " K=" + b + " n=" + c;
            case LSTM -> "l=" + a + " c=" + b + " b=" + c;
            case BA -> "n=" + a + " m=" + b + " p=" + c;
            case HAND -> (this == HAND_COMPLICATED_SMALL ? "complicated" : "simple") + " N=" + a;
        };
    }
}
