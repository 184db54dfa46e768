import time
def a():
    for x in range(3):
        time.sleep(0.001)
        print('a.x', x)
        yield
def b():
    for x in 'abc':
        time.sleep(0.001)
        print('b.x', x)
        yield
m = a()
n = b()
for _ in range(3):
    next(m)
    next(n)
