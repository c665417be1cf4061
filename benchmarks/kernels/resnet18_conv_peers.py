#!/usr/bin/python3
"""PyTorch peer of ResNetConvProfile: ms per forward / input-gradient / weight-gradient pass for every conv shape of
resnet18-64-rgb (batch 64), wall and process CPU, and totals weighted by occurrence.

usage: env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE OMP_WAIT_POLICY=PASSIVE OMP_NUM_THREADS=T /usr/bin/python3 resnet18_conv_peers.py T
"""
import sys, time, torch
t = int(sys.argv[1]) if len(sys.argv) > 1 else 2
torch.set_num_threads(t)
L = [("stem7x7s2",1,(64,3,64,64,64,7,2,3),False),("l1.3x3",4,(64,64,16,16,64,3,1,1),True),
("l2.3x3s2",1,(64,64,16,16,128,3,2,1),True),("l2.ds1x1s2",1,(64,64,16,16,128,1,2,0),True),("l2.3x3",3,(64,128,8,8,128,3,1,1),True),
("l3.3x3s2",1,(64,128,8,8,256,3,2,1),True),("l3.ds1x1s2",1,(64,128,8,8,256,1,2,0),True),("l3.3x3",3,(64,256,4,4,256,3,1,1),True),
("l4.3x3s2",1,(64,256,4,4,512,3,2,1),True),("l4.ds1x1s2",1,(64,256,4,4,512,1,2,0),True),("l4.3x3",3,(64,512,2,2,512,3,1,1),True)]
def meas(fn, sec=0.5):
    s=time.perf_counter()
    while time.perf_counter()-s<0.2: fn()
    ws=[];cs=[]
    s=time.perf_counter()
    while time.perf_counter()-s<sec or len(ws)<7:
        c0=time.process_time(); w0=time.perf_counter(); r=0
        while True:
            fn(); r+=1
            if time.perf_counter()-w0>=0.01: break
        ws.append((time.perf_counter()-w0)/r*1e3); cs.append((time.process_time()-c0)/r*1e3)
    ws.sort(); cs.sort(); return ws[len(ws)//2], cs[len(cs)//2]
T=[0]*6
for name,cnt,(n,c,h,w,oc,k,s,p),need in L:
    x=torch.randn(n,c,h,w); wt=torch.randn(oc,c,k,k)
    y=torch.nn.functional.conv2d(x,wt,None,s,p); dy=torch.randn_like(y)
    with torch.no_grad(): f=meas(lambda: torch.nn.functional.conv2d(x,wt,None,s,p))
    bw=lambda m: torch.ops.aten.convolution_backward(dy,x,wt,None,[s,s],[p,p],[1,1],False,[0,0],1,m)
    bi=meas(lambda: bw([True,False,False])) if need else (0,0)
    bwt=meas(lambda: bw([False,True,False]))
    print(f"{name:12s} x{cnt} fwd {f[0]:7.3f} dX {bi[0]:7.3f} dW {bwt[0]:7.3f}  cpu {f[1]:.2f}/{bi[1]:.2f}/{bwt[1]:.2f}", flush=True)
    for i,v in enumerate([f[0],bi[0],bwt[0],f[1],bi[1],bwt[1]]): T[i]+=cnt*v
print(f"TOTAL wall fwd {T[0]:.1f} dX {T[1]:.1f} dW {T[2]:.1f} = {sum(T[:3]):.1f}; cpu {T[3]:.1f}/{T[4]:.1f}/{T[5]:.1f} = {sum(T[3:]):.1f}")
