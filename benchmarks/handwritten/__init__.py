"""Hand-written JAX versions of the benchmark models: the speed baseline for lamina.

Plain `jax.numpy`/`lax` code with the same layer math and optimizer updates as Keras 3 (glorot
kernels, Keras's clipped cross-entropies, its SGD/Adam/RMSprop update rules), trained by a
`jax.jit` step: what someone who skips the framework would write.
"""
