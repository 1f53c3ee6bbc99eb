/*
 * Preloaded into a process (LD_PRELOAD), hides the CPU's instruction sets above AVX2 from it, so
 * that libraries which choose their kernels by CPUID (ONNX Runtime's MLAS, the JVM) run the ones
 * an AVX2-only CPU would: how Fovea measures AVX2-capped figures on an AVX-512 machine.
 *
 * Linux's CPUID faulting (arch_prctl ARCH_SET_CPUID, the "cpuid_fault" flag) makes every CPUID
 * instruction raise SIGSEGV; the handler runs the real CPUID, clears the hidden bits and steps over
 * the instruction. The setting is per thread and inherited by the threads a thread creates, so it
 * is set in the constructor, before the JVM or anything else starts a thread. A JVM keeps this
 * handler as a chained one and calls it for faults that are not its own.
 *
 * FOVEA_CPU_CAP=avx2 turns it on; anything else leaves the process as it is.
 */
#define _GNU_SOURCE
#include <asm/prctl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <ucontext.h>
#include <unistd.h>

/* CPUID leaf 7 subleaf 0, EBX: AVX512F, DQ, IFMA, PF, ER, CD, SHA stays, BW, VL. */
#define L7_EBX_HIDDEN ((1u << 16) | (1u << 17) | (1u << 21) | (1u << 26) | (1u << 27) | (1u << 28) | (1u << 30) | (1u << 31))
/* ECX: AVX512_VBMI, VBMI2, GFNI stays, VNNI, BITALG, VPOPCNTDQ. */
#define L7_ECX_HIDDEN ((1u << 1) | (1u << 6) | (1u << 11) | (1u << 12) | (1u << 14))
/* EDX: AVX512_4VNNIW, 4FMAPS, VP2INTERSECT, AMX_BF16, AVX512_FP16, AMX_TILE, AMX_INT8. */
#define L7_EDX_HIDDEN ((1u << 2) | (1u << 3) | (1u << 8) | (1u << 22) | (1u << 23) | (1u << 24) | (1u << 25))
/* Leaf 7 subleaf 1, EAX: AVX_VNNI, AVX512_BF16, AVX_IFMA. EDX: AVX_VNNI_INT8, AVX_NE_CONVERT, AVX10. */
#define L7S1_EAX_HIDDEN ((1u << 4) | (1u << 5) | (1u << 23))
#define L7S1_EDX_HIDDEN ((1u << 4) | (1u << 5) | (1u << 19))
/* Leaf 0xD subleaf 0, EAX: XSAVE state components of AVX-512 (opmask, ZMM_Hi256, Hi16_ZMM) and AMX. */
#define LD_EAX_HIDDEN ((1u << 5) | (1u << 6) | (1u << 7) | (1u << 17) | (1u << 18))

static int cpuid_faulting(int on) {
    return (int)syscall(SYS_arch_prctl, ARCH_SET_CPUID, on ? 0 : 1);
}

static void real_cpuid(uint32_t leaf, uint32_t sub, uint32_t r[4]) {
    __asm__ volatile("cpuid" : "=a"(r[0]), "=b"(r[1]), "=c"(r[2]), "=d"(r[3]) : "a"(leaf), "c"(sub));
}

static void on_fault(int sig, siginfo_t *info, void *context) {
    ucontext_t *uc = context;
    greg_t *g = uc->uc_mcontext.gregs;
    const unsigned char *pc = (const unsigned char *)g[REG_RIP];
    if (sig != SIGSEGV || info->si_code != SI_KERNEL || pc[0] != 0x0F || pc[1] != 0xA2) {
        /* not a CPUID: fail as the process would have without us (sigaction is async-signal-safe) */
        struct sigaction dfl;
        memset(&dfl, 0, sizeof dfl);
        dfl.sa_handler = SIG_DFL;
        sigaction(sig, &dfl, NULL);
        return;
    }
    uint32_t leaf = (uint32_t)g[REG_RAX], sub = (uint32_t)g[REG_RCX], r[4];
    cpuid_faulting(0);
    real_cpuid(leaf, sub, r);
    cpuid_faulting(1);
    if (leaf == 7 && sub == 0) {
        r[1] &= ~L7_EBX_HIDDEN;
        r[2] &= ~L7_ECX_HIDDEN;
        r[3] &= ~L7_EDX_HIDDEN;
    } else if (leaf == 7 && sub == 1) {
        r[0] &= ~L7S1_EAX_HIDDEN;
        r[3] &= ~L7S1_EDX_HIDDEN;
    } else if (leaf == 0xD && sub == 0) {
        r[0] &= ~LD_EAX_HIDDEN;
    }
    g[REG_RAX] = r[0];
    g[REG_RBX] = r[1];
    g[REG_RCX] = r[2];
    g[REG_RDX] = r[3];
    g[REG_RIP] += 2;
}

__attribute__((constructor)) static void cap(void) {
    const char *want = getenv("FOVEA_CPU_CAP");
    if (want == NULL || strcmp(want, "avx2") != 0) {
        return;
    }
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = on_fault;
    sa.sa_flags = SA_SIGINFO | SA_RESTART;
    sigemptyset(&sa.sa_mask);
    if (sigaction(SIGSEGV, &sa, NULL) != 0 || cpuid_faulting(1) != 0) {
        fprintf(stderr, "fovea: FOVEA_CPU_CAP=avx2 needs Linux's CPUID faulting (cpuid_fault), not available here\n");
        _exit(2);
    }
}
