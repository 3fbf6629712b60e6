#!/usr/bin/env python3
"""Differential test of factory-env against the real docker compose: random .env files, compared with `docker compose config --environment` (every variable, unset warnings, exact error text).

Usage: cargo build -p factory-env --example probe_jsonl
       python3 dotenv.py [N] [SEED]   (env: COMPOSE=path/to/docker-compose, PROBE=path/to/probe_jsonl)
Prints every mismatch and a summary line; exits 1 on a mismatch."""
import json, random, subprocess, sys, os, tempfile, re
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..', '..', 'tests', 'differential'))
from oracle import compose_binary  # noqa: E402
COMPOSE = compose_binary()
PROBE = os.environ.get('PROBE', os.path.join(os.environ.get('CARGO_TARGET_DIR', 'target'), 'debug/examples/probe_jsonl'))
WORK = tempfile.mkdtemp(prefix='factory-env-diff-')
from concurrent.futures import ThreadPoolExecutor
random.seed(int(sys.argv[2]) if len(sys.argv) > 2 else 1)
N = int(sys.argv[1]) if len(sys.argv) > 1 else 300
TOK = ['A','B','P','=','=','=',':',' ','\t','\n','\n','\n','"','"',"'",'\\','#',' #','export ','$','${','}','x','\\n','\\0101','é','\r\n','{','-','.','[',']','1',':-','?','Q=','R="','S=\'']
ENV = {'P':'proc','Q':'qproc'}
TOK2 = ['\u00a0','\u0085','\u2003','\v','\f','\ufeff','ä','\u0301','\u0915\u093f','Ⓐ','٣','${P:-d}','$P','$$','${Q}','\\$','\\"',"\\'",'\\\\','\\a','\\0777','\\0128','\\c','\\x41','P\n','\nP','export\tA=1\n','#c\n',' # c','\t#c','A=','B: ','"a\nb"',"'a\nb'"]
def gen():
    toks = TOK + TOK2 if random.random() < 0.6 else TOK
    return ''.join(random.choice(toks) for _ in range(random.randint(1, 14)))
cases = list({gen() for _ in range(N)})
def compose(t):
    d = tempfile.mkdtemp(dir=WORK)
    with open(os.path.join(d,'c.yml'),'w') as f:
        f.write('services:\n  s:\n    image: x\n')
    with open(os.path.join(d,'.env'),'w', newline='') as f:
        f.write(t)
    args = ['env','-i'] + [f'{k}={v}' for k,v in ENV.items()] + [COMPOSE,'-p','t','-f','c.yml','config','--environment']
    p = subprocess.run(args, cwd=d, capture_output=True)
    if p.returncode != 0:
        return {'err': p.stderr.decode().strip(), 'dir': d}
    warns = re.findall(r'The \\"(.*?)\\" variable is not set', p.stderr.decode())
    return {'ok': p.stdout.decode(), 'dir': d, 'unset': list(dict.fromkeys(warns))}
with ThreadPoolExecutor(3) as ex:
    theirs = list(ex.map(compose, cases))
inp = '\n'.join(json.dumps({'kind':'dotenv','text':t,'env':ENV}) for t in cases) + '\n'
ours = [json.loads(l) for l in subprocess.run([PROBE], input=inp, capture_output=True, text=True).stdout.split('\n') if l]
bad = 0
for t, th, us in zip(cases, theirs, ours):
    if 'ok' in th:
        if 'ok' not in us:
            ok = False
        else:
            m = dict(us['ok']); 
            for k,v in ENV.items(): m[k] = v
            m['COMPOSE_PROJECT_NAME'] = 't'; m['PWD'] = th['dir']
            exp = ''.join(l + '\n' for l in sorted((f'{k}={m[k]}' for k in m), key=lambda l: l.encode()))
            ok = exp == th['ok'] and list(dict.fromkeys(us.get('unset'))) == th['unset']
    else:
        prefix = 'failed to read ' + th['dir'] + '/.env: '
        e = '\n'.join(l for l in th['err'].split('\n') if 'level=warning' not in l)
        e = e[len(prefix):] if e.startswith(prefix) else e
        ok = (us.get('err') or '').rstrip() == e.rstrip()
    if not ok:
        bad += 1
        th.pop('dir', None)
        print('MISMATCH', json.dumps(t, ensure_ascii=False), '\n  compose:', json.dumps(th, ensure_ascii=False), '\n  ours:   ', json.dumps(us, ensure_ascii=False))
print(f'{len(cases)} cases, {bad} mismatches')
import shutil
shutil.rmtree(WORK, ignore_errors=True)
sys.exit(1 if bad else 0)
