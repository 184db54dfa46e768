"""Reference traces for tests/errors_test.ts: ExceptionGroup."""


def eg_basic():
    eg = ExceptionGroup("two failures", [ValueError("a"), TypeError("b")])
    print(str(eg))
    print(eg.message)
    print(list(eg.exceptions))
    print(repr(eg))
    nested = ExceptionGroup("outer", [ValueError(), ExceptionGroup("inner", [TypeError("t")])])
    print(repr(nested))
    print(str(nested), len(nested.exceptions))
    print(str(ExceptionGroup("one", [ValueError("x")])))
    print(isinstance(eg, Exception))
    try:
        ExceptionGroup("empty", [])
    except ValueError as e:
        print("ValueError")


def eg_subgroup():
    eg = ExceptionGroup(
        "top", [ValueError("v1"), ExceptionGroup("mid", [TypeError("t1"), ValueError("v2")]), RuntimeError("r")]
    )
    print(repr(eg.subgroup(ValueError)))
    print(repr(eg.subgroup(lambda e: isinstance(e, TypeError))))
    print(eg.subgroup(KeyboardInterrupt))
    print(eg.subgroup(lambda e: True) is eg)
    print(eg.subgroup(ExceptionGroup) is eg)
    only_values = ExceptionGroup("vals", [ValueError("a"), ValueError("b")])
    sub = only_values.subgroup(ValueError)
    print(repr(sub), sub is only_values, sub.exceptions[0] is only_values.exceptions[0])
    mid = eg.subgroup(lambda e: isinstance(e, ExceptionGroup) and e.message == "mid")
    print(repr(mid))


def eg_split():
    eg = ExceptionGroup(
        "top", [ValueError("v1"), ExceptionGroup("mid", [TypeError("t1"), ValueError("v2")]), RuntimeError("r")]
    )
    match, rest = eg.split(ValueError)
    print(repr(match))
    print(repr(rest))
    print(eg.split(lambda e: True)[0] is eg, eg.split(lambda e: True)[1])
    print(eg.split(KeyboardInterrupt)[0], repr(eg.split(KeyboardInterrupt)[1]))
    print("rest is a new group:", eg.split(KeyboardInterrupt)[1] is not eg)
    match, rest = eg.split(lambda e: isinstance(e, ExceptionGroup) and e.message == "mid")
    print("a matching nested group is kept:", match.exceptions[0] is eg.exceptions[1])
    print("leaves are kept:", rest.exceptions[0] is eg.exceptions[0])
    eg2 = ExceptionGroup("top2", [ExceptionGroup("m", [TypeError("x")])])
    print("a nested group whose leaves all match is new:", eg2.split(TypeError)[0].exceptions[0] is not eg2.exceptions[0])
    seen = []

    def pred(e):
        seen.append(("group " + e.message) if isinstance(e, ExceptionGroup) else repr(e))
        return isinstance(e, TypeError)

    match, rest = eg.split(pred)
    print(seen)
    print(repr(match), repr(rest))
    try:
        raise ExceptionGroup("caused", [ValueError("a"), TypeError("b")]) from RuntimeError("why")
    except ExceptionGroup as e:
        match, rest = e.split(ValueError)
        print(repr(match.__cause__), repr(rest.__cause__), match.message, rest.message)


for name, main in [("eg_basic", eg_basic), ("eg_subgroup", eg_subgroup), ("eg_split", eg_split)]:
    print("==", name)
    main()
