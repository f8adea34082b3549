//! A scripted fake OpenAI Responses API server (SSE over HTTP on loopback).
