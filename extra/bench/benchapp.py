"""The Celery application bench.sh starts with celery multi: no tasks, an in-process broker.

An idle node, the counterpart of IdleApp.java on the drover side.
"""
from celery import Celery

app = Celery('bench', broker='memory://')
