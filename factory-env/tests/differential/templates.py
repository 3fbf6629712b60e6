#!/usr/bin/env python3
"""Differential test of factory-env against the real docker compose: random templates as a label value, compared with `docker compose config --format json` (value, unset warnings, error kind and the template named in the error).

Usage: cargo build -p factory-env --example probe_jsonl
       python3 templates.py [N] [SEED]   (env: COMPOSE=path/to/docker-compose, PROBE=path/to/probe_jsonl)
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
TOK = ['$','$','$$','${','${','{','}','}','}',':','-','+','?','=',':-',':?',':+','FOO','BAR','UNSET','E','x',' ','1','_','ſ','é','#','.','\n','"','\\','a b']
ENV = {'FOO':'first','BAR':'b','E':''}
def gen():
    n = random.randint(1, 12)
    return ''.join(random.choice(TOK) for _ in range(n))
OPS=[':-','-',':?','?',':+','+','',':=','=',':']
NAMES=['FOO','BAR','E','UNSET','ſ','x','K']
def gen2(d=0):
    parts=[]
    for _ in range(random.randint(1,3)):
        r=random.random()
        if r<0.35 and d<4:
            parts.append('${'+random.choice(NAMES)+random.choice(OPS)+gen2(d+1)+random.choice(['}','}','}','','}}','{}']))
        elif r<0.5:
            parts.append('$'+random.choice(NAMES+['$','1',' ','{']))
        else:
            parts.append(random.choice(TOK))
    return ''.join(parts)
cases = list({gen() for _ in range(N//3)} | {gen2() for _ in range(2*N//3)})
def compose(t):
    d = tempfile.mkdtemp(dir=WORK)
    with open(os.path.join(d,'c.yml'),'w') as f:
        f.write('services:\n  s:\n    image: x\n    labels:\n      t: ' + json.dumps(t, ensure_ascii=False) + '\n')
    args = ['env','-i'] + [f'{k}={v}' for k,v in ENV.items()] + [COMPOSE,'-p','t','-f','c.yml','config','--format','json']
    p = subprocess.run(args, cwd=d, capture_output=True, text=True)
    if p.returncode != 0:
        return {'err': p.stderr.strip()}
    warns = re.findall(r'The \\"(.*?)\\" variable is not set', p.stderr)
    return {'ok': json.loads(p.stdout)['services']['s']['labels']['t'], 'unset': warns}
with ThreadPoolExecutor(3) as ex:
    theirs = list(ex.map(compose, cases))
for th in theirs:
    if 'err' in th: th['err'] = '\n'.join(l for l in th['err'].split('\n') if 'level=warning' not in l)
inp = '\n'.join(json.dumps({'kind':'template','text':t,'env':ENV}) for t in cases) + '\n'
ours = [json.loads(l) for l in subprocess.run([PROBE], input=inp, capture_output=True, text=True).stdout.split('\n') if l]
bad = 0
for t, th, us in zip(cases, theirs, ours):
    ok = True
    if 'ok' in th:
        ok = us.get('ok') is not None and us['ok'].replace('$','$$') == th['ok'] and us.get('unset') == th['unset']
    else:
        e = th['err']
        if 'invalid interpolation format' in e:
            inner = e.split('You may need to escape any $ with another $.\n',1)[1] if 'another $.\n' in e else None
            ok = 'syntax' in us and (inner is None or us['template'].rstrip() == inner.rstrip())
        else:
            m = e.split(': ',1)[1] if ': ' in e else e
            ok = (us.get('required') or '').rstrip() == m.rstrip()
    if not ok:
        bad += 1
        print('MISMATCH', json.dumps(t, ensure_ascii=False), '\n  compose:', json.dumps(th, ensure_ascii=False), '\n  ours:   ', json.dumps(us, ensure_ascii=False))
print(f'{len(cases)} cases, {bad} mismatches')
import shutil
shutil.rmtree(WORK, ignore_errors=True)
sys.exit(1 if bad else 0)
