package io.jgrad.runtime;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorShuffle;

/**
 * Constants of the vector path's generated code (codegen's {@code VectorLowering}), made once
 * here instead of in every call. A static final field is a constant to C2, so the code that
 * reads it sees the object itself (of its exact class) and allocates nothing for it; the same
 * value built in the generated loop ({@code VectorShuffle.iota(...)}) was an object the
 * intrinsic boxed on every iteration once C2 failed to eliminate it (measured: 1,536 B per
 * call of the F32 MLP, JFR allocation samples at {@code Float256Vector.iotaShuffle}).
 * Loaded only by generated vector-path code, i.e. when the JVM has jdk.incubator.vector.
 */
public final class VectorConstants {
    private VectorConstants() {}

    /**
     * The shuffle of 8 floats (256 bits) whose lane i takes lane (i + 4) % 8: a float sum's
     * terms q+4..q+7 moved into lanes 0-3 ({@code VectorShuffle.iota(SPECIES_256, 4, 1, true)}).
     */
    public static final VectorShuffle<Float> SWAP_HALVES_F32X8 = VectorShuffle.iota(FloatVector.SPECIES_256, 4, 1, true);
}
