# vmm/: the shoji monitor (build/shoji).
