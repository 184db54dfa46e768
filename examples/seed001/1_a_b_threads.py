import time, threading, multiprocessing
def a():
    for x in range(3):
        time.sleep(0.001) #生产上不能加此句,仅在多线程下做实验用
        print('a.x', x)
def b():
    for x in 'abc':
        time.sleep(0.001)
        print('b.x', x)
# a() #串行,两件事如果有因果关系才需要串行,否则并行要好
# b()
# threading.Thread(target=a).start() #多线程下,由OS控制;输出会乱
# threading.Thread(target=b).start()
if __name__ == '__main__':
    multiprocessing.Process(target=a).start() #真正的同时进行,由OS控制
    multiprocessing.Process(target=b).start()
