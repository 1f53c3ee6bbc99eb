package org.nd4j.nativeblas;

/**
 * Compatibility shim for a lookup DL4J 1.0.0-M2.1 gets wrong.
 *
 * <p>DL4J decides whether to use its oneDNN layer helpers in
 * {@code BaseMKLDNNHelper.mklDnnEnabled()}, which loads {@code org.nd4j.nativeblas.Nd4jCpu$Environment}
 * by name and calls {@code getInstance().isUseMKLDNN()}. M2.1 renamed that class to
 * {@code org.nd4j.linalg.cpu.nativecpu.bindings.Nd4jCpu$Environment} and the method to
 * {@code isUseONEDNN}, so the lookup fails, DL4J concludes oneDNN is off, and convolutions run
 * through im2col, far below the machine's sgemm speed (docs/benchmarks.md, "Model and pipeline").
 * This class answers the old lookup with the real setting. Delete it once DL4J looks up the new name.
 */
public final class Nd4jCpu {
    private Nd4jCpu() {}

    /** The old name of the libnd4j environment, answering the one question DL4J asks of it. */
    public static final class Environment {
        private static final Environment INSTANCE = new Environment();

        private Environment() {}

        public static Environment getInstance() {
            return INSTANCE;
        }

        public boolean isUseMKLDNN() {
            return org.nd4j.linalg.cpu.nativecpu.bindings.Nd4jCpu.Environment.getInstance()
                    .isUseONEDNN();
        }
    }
}
