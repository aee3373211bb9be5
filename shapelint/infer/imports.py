"""Numpy import aliases, tracked by hand (libcst's scope providers cost 10x the parse).

``import numpy as np``, ``import numpy.linalg as la``, ``from numpy import sum as npsum``,
``from numpy.random import randn``. Only NumPy is NumPy: torch, jax, tensorflow,
cupy, dask and the like have arrays of their own (``Tensor.transpose(1, 2)``
swaps two axes), so their names stay unknown.
"""
from __future__ import annotations

from typing import Optional

import libcst as cst

from .values import FunctionValue, ModuleValue, NoneValue, Value

_NUMPY_LIKE = {"numpy": "numpy"}
FOREIGN_ARRAY_LIBRARIES = frozenset((
    "torch", "tensorflow", "jax", "jaxlib", "cupy", "dask", "mxnet", "paddle", "mlx", "tinygrad",
    "keras", "cudf", "xarray", "sparse", "numba.cuda", "chainer", "theano", "pytensor", "autograd",
))


def dotted(node: cst.BaseExpression) -> Optional[str]:
    if type(node) is cst.Name:
        return node.value
    if type(node) is cst.Attribute:
        base = dotted(node.value)
        return f"{base}.{node.attr.value}" if base else None
    return None


def numpy_qualname(module: str) -> Optional[str]:
    """``numpy.random`` -> ``numpy.random``; ``jax.numpy.linalg`` -> ``numpy.linalg``; else None."""
    for prefix, canonical in _NUMPY_LIKE.items():
        if module == prefix or module.startswith(prefix + "."):
            return canonical + module[len(prefix):]
    return None


def imported_modules(node: cst.Import | cst.ImportFrom) -> list[str]:
    if isinstance(node, cst.Import):
        return [name for alias in node.names if (name := dotted(alias.name))]
    if node.relative or node.module is None:
        return []
    return [dotted(node.module) or ""]


_FOREIGN_PACKAGES = tuple(lib + "." for lib in sorted(FOREIGN_ARRAY_LIBRARIES))


def is_foreign_array_library(module: str) -> bool:
    return module in FOREIGN_ARRAY_LIBRARIES or module.startswith(_FOREIGN_PACKAGES)


def imports_foreign_arrays(module: cst.Module) -> bool:
    """Does the module import an array library other than NumPy (at top level, or in a block or
    function body: libraries often import torch lazily)?"""
    stack: list[cst.CSTNode] = list(module.body)
    while stack:
        node = stack.pop()
        if type(node) in (cst.SimpleStatementLine, cst.SimpleStatementSuite):
            for small in node.body:
                if type(small) in (cst.Import, cst.ImportFrom) and any(map(is_foreign_array_library, imported_modules(small))):
                    return True
        else:
            stack.extend(nested_statements(node))
    return False


_BLOCK_FIELDS: dict[type, tuple[tuple[str, ...], bool]] = {}  # node type -> (which of body/orelse/finalbody it has, has handlers)


def _block_fields(kind: type) -> tuple[tuple[str, ...], bool]:
    """Asked of the class once: ``getattr`` with a default on a node that lacks the field raises
    and catches an AttributeError inside (a def has no ``orelse``, ``finalbody``, ``handlers``)."""
    found = _BLOCK_FIELDS.get(kind)
    if found is None:
        found = _BLOCK_FIELDS[kind] = (tuple(name for name in ("body", "orelse", "finalbody") if hasattr(kind, name)),
                                       hasattr(kind, "handlers"))
    return found


def nested_statements(node: cst.CSTNode) -> list[cst.CSTNode]:
    """The statements of a compound statement's blocks (if/elif/else, for/while, try/except/finally,
    with, def, class)."""
    names, has_handlers = _block_fields(type(node))
    blocks = [getattr(node, name) for name in names]
    if has_handlers:
        blocks += [handler.body for handler in node.handlers]
    found: list[cst.CSTNode] = []
    for block in blocks:
        if type(block) is cst.If:
            found.append(block)
        elif type(block) in (cst.Else, cst.Finally):
            found.extend(nested_statements(block))
        elif type(block) is cst.IndentedBlock:
            found.extend(block.body)
        elif type(block) is cst.SimpleStatementSuite:  # ``with w: x = 1`` on one line
            found.append(block)
    return found


def bind_import(node: cst.Import, env: dict[str, Value]) -> None:
    for alias in node.names:
        module = dotted(alias.name)
        if module is None:
            continue
        qualname = numpy_qualname(module)
        if alias.asname is not None and isinstance(alias.asname.name, cst.Name):
            if qualname is not None:
                env[alias.asname.name.value] = ModuleValue(qualname)
            else:
                env.pop(alias.asname.name.value, None)
        elif qualname is not None and "." not in module:
            env[module] = ModuleValue(qualname)
        elif module.startswith("numpy."):
            env["numpy"] = ModuleValue("numpy")


def bind_import_from(node: cst.ImportFrom, env: dict[str, Value]) -> None:
    if node.relative or node.module is None:
        return
    module = numpy_qualname(dotted(node.module) or "")
    if isinstance(node.names, cst.ImportStar):
        return
    if module is None:
        for alias in node.names:  # another library's name shadows a numpy one
            local = alias.asname.name if alias.asname is not None else alias.name
            if isinstance(local, cst.Name):
                env.pop(local.value, None)
        return
    for alias in node.names:
        name = dotted(alias.name)
        if name is None:
            continue
        local = alias.asname.name.value if alias.asname is not None and isinstance(alias.asname.name, cst.Name) else name
        if name == "newaxis":
            env[local] = NoneValue()
        elif name in _imported_submodules():
            env[local] = ModuleValue(f"{module}.{name}")
        else:
            env[local] = FunctionValue(f"{module}.{name}")


def _imported_submodules() -> frozenset:
    from ..numpy_model.properties import IMPORTED_SUBMODULES  # numpy_model imports this module

    return IMPORTED_SUBMODULES
