"""Command line: ``python -m reference_net check`` or ``python -m reference_net bench``."""
import argparse
import sys


def build_parser():
    parser = argparse.ArgumentParser(
        prog="python -m reference_net",
        description="Check and benchmark the reference network (loops vs vectorized).")
    commands = parser.add_subparsers(dest="command", required=True)
    check = commands.add_parser(
        "check", help="loop twin, vectorized and samples-first agree; gradient check")
    check.add_argument("--epochs", type=int, default=None,
                       help="training epochs compared (default: 30)")
    bench = commands.add_parser(
        "bench", help="time loops against vectorized on the published setups and a size sweep")
    bench.add_argument("--quick", action="store_true",
                       help="small sizes only (seconds, for tests)")
    bench.add_argument("--out", default="speedup.png",
                       help="where to write the speedup plot (default: speedup.png)")
    return parser


def main(argv=None):
    args = build_parser().parse_args(argv)
    if args.command == "check":
        from reference_net.check import TRAIN_EPOCHS, check
        return check(epochs=args.epochs or TRAIN_EPOCHS)
    from reference_net.bench import run_bench
    run_bench(quick=args.quick, plot_path=args.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
