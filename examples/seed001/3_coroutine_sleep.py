import asyncio
@asyncio.coroutine #使用装饰器,3.4ver用法
def sleep(x): #生成器+函数(函数中有yield语句即为生成器函数)
    for i in range(3): #有循环
        print('sleep {}'.format(i))
        yield from asyncio.sleep(x) #asyncio.sleep(x),另一个生成器对象
loop = asyncio.get_event_loop()
loop.run_until_complete(sleep(10)) #sleep(3)必须要有括号,sleep为生成器函数,可理解为拿到生成器对象,用返回的对象循环
loop.close()
