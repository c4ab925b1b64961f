// The dialect header of the Segmenta kernels: each kernel file (kmeans.cu, gmm.cu) is written once,
// in the common subset of OpenCL C 1.2 and CUDA C++, and includes this file. nvcc compiles the files
// as CUDA into the committed fatbins (build-fatbin.sh); the OpenCL backend builds the very same text
// at open, this header inlined in place of its #include line (KernelSource). Only what the two
// languages spell differently is here: the kernel keyword, address spaces, restrict, barriers,
// thread and group indices, integer atomics, dynamic local memory, and the float math names.
#ifndef SEGMENTA_DIALECT_H
#define SEGMENTA_DIALECT_H

#ifdef __OPENCL_VERSION__

#pragma OPENCL EXTENSION cl_khr_fp64 : enable

#define KERNEL __kernel
#define DEVICE_FN static inline
// A variable in local (CUDA: shared) memory, and the qualifier of a pointer into it.
#define LOCAL __local
#define LOCAL_PTR __local
#define GLOBAL __global
#define RESTRICT restrict
#define BARRIER() barrier(CLK_LOCAL_MEM_FENCE)
#define GLOBAL_ID(d) ((int)get_global_id(d))
#define LOCAL_ID(d) ((int)get_local_id(d))
#define GROUP_ID(d) ((int)get_group_id(d))
#define LOCAL_SIZE(d) ((int)get_local_size(d))
#define ATOMIC_INC(p) atomic_inc(p)
#define ATOMIC_ADD(p, v) atomic_add((p), (v))
// Dynamic local memory: OpenCL passes it as the kernel's last argument (the host sets its size),
// CUDA declares it in the body (the launch sets its size).
#define DYNAMIC_LOCAL_ARG(type, name) , __local type* name
#define DYNAMIC_LOCAL(type, name)
#define UNROLL
#define FMAF(a, b, c) fma((a), (b), (c))
#define FMAXF(a, b) fmax((a), (b))
#define EXPF(a) exp(a)

#else  // CUDA C++ (nvcc)

typedef unsigned int uint;

#define KERNEL extern "C" __global__
#define DEVICE_FN __device__
#define LOCAL __shared__
#define LOCAL_PTR
#define GLOBAL
#define RESTRICT __restrict__
#define BARRIER() __syncthreads()
#define SEGMENTA_AXIS_0 x
#define SEGMENTA_AXIS_1 y
#define LOCAL_ID(d) ((int)threadIdx.SEGMENTA_AXIS_##d)
#define GROUP_ID(d) ((int)blockIdx.SEGMENTA_AXIS_##d)
#define LOCAL_SIZE(d) ((int)blockDim.SEGMENTA_AXIS_##d)
#define GLOBAL_ID(d) (GROUP_ID(d) * LOCAL_SIZE(d) + LOCAL_ID(d))
#define ATOMIC_INC(p) atomicAdd((p), 1)
#define ATOMIC_ADD(p, v) atomicAdd((p), (v))
#define DYNAMIC_LOCAL_ARG(type, name)
#define DYNAMIC_LOCAL(type, name) extern __shared__ type name[];
#define UNROLL _Pragma("unroll")
#define FMAF(a, b, c) fmaf((a), (b), (c))
#define FMAXF(a, b) fmaxf((a), (b))
#define EXPF(a) expf(a)

#endif
#endif
