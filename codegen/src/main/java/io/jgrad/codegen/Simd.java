package io.jgrad.codegen;

/**
 * Whether generated code uses {@code jdk.incubator.vector}: decided once, when this class is
 * initialised. The module must be in the boot layer (the JVM started with
 * {@code --add-modules jdk.incubator.vector}); {@code -Djgrad.simd=false} forces the scalar
 * path anyway. The species lengths are read by reflection, so codegen itself compiles and runs
 * without the module; only generated classes name its types, and only when it is there. A
 * hidden class is defined in codegen's module (the unnamed module on the class path), which
 * reads every module of the boot layer, and the incubator exports its package to all: the
 * generated {@code invokestatic FloatVector.fromArray} resolves with no further setup.
 */
final class Simd {
    private Simd() {}

    /** The module is in the boot layer. */
    static final boolean AVAILABLE = ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent();

    /** Bits of the preferred species (0 when the module is absent). */
    static final int BITS = AVAILABLE ? preferredBits() : 0;

    private static volatile boolean enabled = AVAILABLE && BITS >= 128 && !"false".equalsIgnoreCase(System.getProperty("jgrad.simd"));

    /** Code generated from now on uses the vector path. */
    static boolean enabled() { return enabled; }

    /** Tests only: generate scalar code (false) or vector code (true, needs the module) from now on. */
    static void force(boolean on) {
        if (on && !AVAILABLE) throw new IllegalStateException("jdk.incubator.vector is not in the boot layer: start the JVM with --add-modules jdk.incubator.vector");
        enabled = on;
        io.jgrad.runtime.Gemm.force(on);   // the interpreter's and eager matmuls follow, so the engines keep agreeing
    }

    /** What {@code Compiled.toString()} and the dump say about the path. */
    static String describe() {
        if (!enabled()) return AVAILABLE ? "scalar path (-Djgrad.simd=false)" : "scalar path (no jdk.incubator.vector)";
        return "vector path (jdk.incubator.vector, " + BITS + "-bit: F32x" + BITS / 32 + ", F64x" + BITS / 64 + ")";
    }

    private static int preferredBits() {
        try {
            Object species = Class.forName("jdk.incubator.vector.FloatVector").getField("SPECIES_PREFERRED").get(null);
            return (Integer) Class.forName("jdk.incubator.vector.VectorSpecies").getMethod("vectorBitSize").invoke(species);
        } catch (ReflectiveOperationException | RuntimeException e) {
            return 0;
        }
    }
}
